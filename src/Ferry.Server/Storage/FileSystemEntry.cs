namespace Ferry.Server.Storage;

/// <summary>What a listing or a stat returns about one file or directory.</summary>
/// <param name="Name">The entry's name (its last path segment).</param>
/// <param name="IsDirectory">True for directories.</param>
/// <param name="Size">Size in bytes (0 for directories).</param>
/// <param name="LastModifiedUtc">Modification time in UTC.</param>
/// <param name="UnixMode">Permission bits when the backend has them (e.g. 0644).</param>
/// <param name="UniqueId">A stable identity for the MLSx "unique" fact (RFC 3659 §7.5.2).</param>
public sealed record FileSystemEntry(
    string Name,
    bool IsDirectory,
    long Size,
    DateTime LastModifiedUtc,
    UnixFileMode? UnixMode,
    string UniqueId);
