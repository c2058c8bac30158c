using Ferry.Server.Storage;

namespace Ferry.Server.Tests.Support.Memory;

/// <summary>
/// One file or directory of an <see cref="InMemoryVolume"/>. Read and changed only under the
/// volume's lock. A file's content array is never written after it is set: a commit puts a new
/// array in place, so a download that took the old one keeps reading a whole, unchanging file.
/// </summary>
internal sealed class MemoryNode
{
    /// <summary>What a new file and a new folder get before any SITE CHMOD: the usual 0644 and 0755 after a umask of 022.</summary>
    private const UnixFileMode NewFileMode = (UnixFileMode)0b110_100_100;
    private const UnixFileMode NewDirectoryMode = (UnixFileMode)0b111_101_101;

    private MemoryNode(ulong id, bool isDirectory, DateTime modifiedUtc)
    {
        Id = id;
        IsDirectory = isDirectory;
        ModifiedUtc = modifiedUtc;
        Mode = isDirectory ? NewDirectoryMode : NewFileMode;
        Children = isDirectory ? new SortedDictionary<string, MemoryNode>(StringComparer.Ordinal) : null;
    }

    /// <summary>The MLSx "unique" fact (RFC 3659 §7.5.2): the same for the node's whole life, renames included.</summary>
    public ulong Id { get; }

    public bool IsDirectory { get; }

    /// <summary>A directory's entries by name, in ordinal order so listings are stable; null for a file.</summary>
    public SortedDictionary<string, MemoryNode>? Children { get; }

    public byte[] Content { get; set; } = [];

    public DateTime ModifiedUtc { get; set; }

    public UnixFileMode Mode { get; set; }

    public static MemoryNode NewFile(ulong id, byte[] content, DateTime nowUtc) => new(id, isDirectory: false, nowUtc) { Content = content };

    public static MemoryNode NewDirectory(ulong id, DateTime nowUtc) => new(id, isDirectory: true, nowUtc);

    public FileSystemEntry ToEntry(string name) =>
        new(name, IsDirectory, IsDirectory ? 0 : Content.LongLength, ModifiedUtc, Mode, Id);
}
