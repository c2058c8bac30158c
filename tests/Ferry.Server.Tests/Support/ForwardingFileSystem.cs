using System.Diagnostics.CodeAnalysis;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Checksums;

namespace Ferry.Server.Tests.Support;

/// <summary>
/// A backend that forwards every call to another one (local disk, typically), for tests that
/// change one behaviour of a real backend: hide a capability, or make one call hang.
/// </summary>
internal abstract class ForwardingFileSystem(IFileSystem inner) : IFileSystem
{
    protected IFileSystem Inner { get; } = inner;

    public virtual FileSystemCapabilities Capabilities => Inner.Capabilities;

    public virtual ValueTask<FileSystemEntry?> GetEntryAsync(VirtualPath path, CancellationToken cancellationToken) => Inner.GetEntryAsync(path, cancellationToken);

    public virtual ValueTask<FileSystemEntry?> GetResumableEntryAsync(VirtualPath path, CancellationToken cancellationToken) => Inner.GetResumableEntryAsync(path, cancellationToken);

    public virtual ValueTask<string?> GetKeptChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, CancellationToken cancellationToken) =>
        Inner.GetKeptChecksumAsync(opened, algorithm, cancellationToken);

    public virtual ValueTask KeepChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, string checksum, FileSystemEntry readFrom, CancellationToken cancellationToken) =>
        Inner.KeepChecksumAsync(opened, algorithm, checksum, readFrom, cancellationToken);

    public virtual IAsyncEnumerable<FileSystemEntry> ListAsync(VirtualPath directory, CancellationToken cancellationToken) => Inner.ListAsync(directory, cancellationToken);

    public virtual ValueTask<Stream> OpenReadAsync(VirtualPath path, long offset, CancellationToken cancellationToken) => Inner.OpenReadAsync(path, offset, cancellationToken);

    public virtual ValueTask<IUpload> BeginUploadAsync(VirtualPath path, UploadMode mode, long offset, CancellationToken cancellationToken) =>
        Inner.BeginUploadAsync(path, mode, offset, cancellationToken);

    public virtual ValueTask CreateDirectoryAsync(VirtualPath path, CancellationToken cancellationToken) => Inner.CreateDirectoryAsync(path, cancellationToken);

    public virtual ValueTask DeleteFileAsync(VirtualPath path, CancellationToken cancellationToken) => Inner.DeleteFileAsync(path, cancellationToken);

    public virtual ValueTask DeleteDirectoryAsync(VirtualPath path, CancellationToken cancellationToken) => Inner.DeleteDirectoryAsync(path, cancellationToken);

    public virtual ValueTask RenameAsync(VirtualPath from, VirtualPath to, CancellationToken cancellationToken) => Inner.RenameAsync(from, to, cancellationToken);

    public virtual ValueTask SetModificationTimeAsync(VirtualPath path, DateTime timeUtc, CancellationToken cancellationToken) =>
        Inner.SetModificationTimeAsync(path, timeUtc, cancellationToken);

    public virtual ValueTask SetUnixModeAsync(VirtualPath path, UnixFileMode mode, CancellationToken cancellationToken) => Inner.SetUnixModeAsync(path, mode, cancellationToken);

    public virtual bool TryGetLocalFile(Stream opened, [NotNullWhen(true)] out FileStream? file) => Inner.TryGetLocalFile(opened, out file);

    public void Dispose()
    {
        Inner.Dispose();
        GC.SuppressFinalize(this);
    }
}
