namespace Ferry.Server.Storage;

/// <summary>What a listing or a stat returns about one file or directory.</summary>
/// <param name="Name">The entry's name (its last path segment).</param>
/// <param name="IsDirectory">True for directories.</param>
/// <param name="Size">Size in bytes (0 for directories).</param>
/// <param name="LastModifiedUtc">Modification time in UTC.</param>
/// <param name="UnixMode">Permission bits when the backend has them (e.g. 0644).</param>
/// <param name="UniqueId">
/// A stable identity for the MLSx "unique" fact (RFC 3659 §7.5.2), the same for every name of
/// one object. On local disk the device number is the high 64 bits and the inode the low 64, as
/// §7.5.2 suggests; another backend puts its own key (or a hash of it) here. A number rather
/// than text, so it is formatted only when a client selected the fact.
/// </param>
public sealed record FileSystemEntry(
    string Name,
    bool IsDirectory,
    long Size,
    DateTime LastModifiedUtc,
    UnixFileMode? UnixMode,
    UInt128 UniqueId);
