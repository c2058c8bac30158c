namespace Ferry.Administration;

/// <summary>One second of the throughput chart: bytes per second moved by all sessions.</summary>
internal sealed record ThroughputPoint(DateTimeOffset Time, double UploadBytesPerSecond, double DownloadBytesPerSecond);
