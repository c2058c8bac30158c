namespace Ferry.Server.Administration;

/// <summary>A running transfer at one moment: what the admin page's transfers table shows, its bytes growing.</summary>
/// <param name="Verb">RETR, STOR, STOU, APPE, LIST, NLST or MLSD.</param>
/// <param name="Direction">"upload", "download" or "listing".</param>
/// <param name="Path">The file or folder as the user sees it (from the user's root).</param>
/// <param name="Bytes">Bytes moved so far over the data connection.</param>
/// <param name="StartedAt">When the transfer command was accepted (its 150).</param>
/// <param name="BytesPerSecond">The average rate since the start.</param>
/// <param name="Tls">The data connection is protected (PROT P).</param>
public sealed record TransferSnapshot(
    string Verb,
    string Direction,
    string Path,
    long Bytes,
    DateTimeOffset StartedAt,
    double BytesPerSecond,
    bool Tls);
