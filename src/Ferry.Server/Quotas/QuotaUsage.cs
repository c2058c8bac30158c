namespace Ferry.Server.Quotas;

/// <summary>What a user's files hold: committed usage, and what uploads in progress have reserved on top.</summary>
/// <param name="Bytes">Bytes of the user's files.</param>
/// <param name="Files">Number of the user's files (folders are not counted, as Pure-FTPd's file quota).</param>
/// <param name="ReservedBytes">Bytes granted to uploads in progress, not yet settled.</param>
/// <param name="ReservedFiles">New files being uploaded, not yet settled.</param>
public readonly record struct QuotaUsage(long Bytes, long Files, long ReservedBytes = 0, long ReservedFiles = 0);
