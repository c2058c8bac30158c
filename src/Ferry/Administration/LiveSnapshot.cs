namespace Ferry.Administration;

/// <summary>
/// One event of GET /api/live: the sessions (those with a transfer first, at most
/// <see cref="LiveEndpoints.MaxSessions"/>), how many there are in all, and the current rates.
/// </summary>
internal sealed record LiveSnapshot(
    DateTimeOffset Time,
    IReadOnlyList<SessionView> Sessions,
    double UploadBytesPerSecond,
    double DownloadBytesPerSecond,
    int SessionCount,
    int TransferCount);
