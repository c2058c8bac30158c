namespace Ferry.Administration;

/// <summary>One event of GET /api/live: every session now, and the current rates.</summary>
internal sealed record LiveSnapshot(DateTimeOffset Time, IReadOnlyList<SessionView> Sessions, double UploadBytesPerSecond, double DownloadBytesPerSecond);
