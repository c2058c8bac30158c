namespace Ferry.Server.Storage;

/// <summary>What a backend can do; FEAT, the dispatcher and the transfer path follow these.</summary>
[Flags]
public enum FileSystemCapabilities
{
    None = 0,

    /// <summary>APPE and STOR after REST (writing at an offset).</summary>
    Append = 1,

    /// <summary>Reading from an offset (REST before RETR).</summary>
    ReadFromOffset = 2,

    Rename = 4,

    /// <summary>MFMT.</summary>
    SetModificationTime = 8,

    /// <summary>SITE CHMOD.</summary>
    SetUnixMode = 16,

    /// <summary>Files are local OS files: <see cref="IFileSystem.TryGetLocalFile"/> and <see cref="IUpload.TryGetLocalFile"/> hand the opened descriptor to sendfile (RETR) and splice (STOR).</summary>
    LocalFileHandle = 32,

    /// <summary>A checksum can be kept with a file (<see cref="IFileSystem.KeepChecksumAsync"/>), so HASH after an upload answers without reading it.</summary>
    KeptChecksums = 64,
}
