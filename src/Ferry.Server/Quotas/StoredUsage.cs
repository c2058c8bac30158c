namespace Ferry.Server.Quotas;

/// <summary>A user's usage as last counted by `ferry user quota --scan`, kept in the user store.</summary>
/// <param name="Bytes">Bytes of the user's files.</param>
/// <param name="Files">Number of files.</param>
/// <param name="At">When it was counted.</param>
public sealed record StoredUsage(long Bytes, long Files, DateTimeOffset At);
