using System.Diagnostics.CodeAnalysis;
using Ferry.Server.Storage.Checksums;

namespace Ferry.Server.Storage;

/// <summary>
/// A user's view of storage: every path is a <see cref="VirtualPath"/> inside the user's root,
/// and the backend alone maps it to real storage and keeps it confined there. Failures are
/// <see cref="StorageException"/> only. Disposed when the session logs out or ends, so a backend
/// may hold resources for the session (the local one holds its root directory open).
/// </summary>
public interface IFileSystem : IDisposable
{
    FileSystemCapabilities Capabilities { get; }

    /// <summary>Null when nothing exists at <paramref name="path"/>.</summary>
    ValueTask<FileSystemEntry?> GetEntryAsync(VirtualPath path, CancellationToken cancellationToken);

    /// <summary>
    /// What SIZE and MDTM answer and a REST offset is checked against: the file at
    /// <paramref name="path"/>, or, for a backend that keeps aborted uploads for a resume, while no
    /// file has that name, the data kept for it; otherwise what <see cref="GetEntryAsync"/> says.
    /// No default body: a wrapper that forgot to forward it would break resume silently.
    /// </summary>
    ValueTask<FileSystemEntry?> GetResumableEntryAsync(VirtualPath path, CancellationToken cancellationToken);

    /// <summary>Streams a directory's entries as they are read, never the whole directory at once.</summary>
    IAsyncEnumerable<FileSystemEntry> ListAsync(VirtualPath directory, CancellationToken cancellationToken);

    /// <summary>Opens a file for reading, positioned at <paramref name="offset"/>.</summary>
    ValueTask<Stream> OpenReadAsync(VirtualPath path, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// Begins an upload to <paramref name="path"/>; nothing changes there until the upload is
    /// committed. <paramref name="offset"/> is the REST offset for <see cref="UploadMode.Resume"/>
    /// and 0 otherwise.
    /// </summary>
    ValueTask<IUpload> BeginUploadAsync(VirtualPath path, UploadMode mode, long offset, CancellationToken cancellationToken);

    ValueTask CreateDirectoryAsync(VirtualPath path, CancellationToken cancellationToken);

    ValueTask DeleteFileAsync(VirtualPath path, CancellationToken cancellationToken);

    ValueTask DeleteDirectoryAsync(VirtualPath path, CancellationToken cancellationToken);

    ValueTask RenameAsync(VirtualPath from, VirtualPath to, CancellationToken cancellationToken);

    ValueTask SetModificationTimeAsync(VirtualPath path, DateTime timeUtc, CancellationToken cancellationToken);

    ValueTask SetUnixModeAsync(VirtualPath path, UnixFileMode mode, CancellationToken cancellationToken);

    /// <summary>
    /// The local OS file behind <paramref name="opened"/>, a stream <see cref="OpenReadAsync"/>
    /// returned, when the backend has <see cref="FileSystemCapabilities.LocalFileHandle"/>: the very
    /// descriptor that was opened and confined, for sendfile (RETR), so the fast path never opens a
    /// path again. A FileStream because sendfile through SendPacketsElement takes one.
    /// </summary>
    bool TryGetLocalFile(Stream opened, [NotNullWhen(true)] out FileStream? file);

    /// <summary>
    /// The checksum kept with the file behind <paramref name="opened"/> (a stream
    /// <see cref="OpenReadAsync"/> returned) when the backend has
    /// <see cref="FileSystemCapabilities.KeptChecksums"/> and one was kept for the file as it is
    /// now; null otherwise, and whenever the file changed after it was kept.
    /// </summary>
    ValueTask<string?> GetKeptChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps <paramref name="checksum"/>, computed from every byte of <paramref name="opened"/>,
    /// with that file, bound to its content: a later change drops it. Kept only while the file is
    /// still as <paramref name="readFrom"/> (its entry taken before it was opened) describes it,
    /// so a change during the reading is never kept. Best effort: where the storage cannot keep
    /// it, nothing happens.
    /// </summary>
    ValueTask KeepChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, string checksum, FileSystemEntry readFrom, CancellationToken cancellationToken);
}
