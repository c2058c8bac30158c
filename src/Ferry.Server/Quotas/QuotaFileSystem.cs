using System.Diagnostics.CodeAnalysis;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Checksums;

namespace Ferry.Server.Quotas;

/// <summary>
/// A user's backend under a quota: every change the server makes goes through here and is
/// counted (uploads by <see cref="QuotaUpload"/>, DELE, RNTO over a file), so usage stays right
/// without walking the tree. Folders are not counted (MKD/RMD change nothing), as Pure-FTPd's
/// file quota counts files only.
/// </summary>
internal sealed class QuotaFileSystem(IFileSystem inner, IQuotaAccount account) : IFileSystem
{
    public IQuotaAccount Account => account;

    public FileSystemCapabilities Capabilities => inner.Capabilities;

    public ValueTask<FileSystemEntry?> GetEntryAsync(VirtualPath path, CancellationToken cancellationToken) => inner.GetEntryAsync(path, cancellationToken);

    public ValueTask<FileSystemEntry?> GetResumableEntryAsync(VirtualPath path, CancellationToken cancellationToken) => inner.GetResumableEntryAsync(path, cancellationToken);

    public ValueTask<string?> GetKeptChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, CancellationToken cancellationToken) =>
        inner.GetKeptChecksumAsync(opened, algorithm, cancellationToken);

    public ValueTask KeepChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, string checksum, FileSystemEntry readFrom, CancellationToken cancellationToken) =>
        inner.KeepChecksumAsync(opened, algorithm, checksum, readFrom, cancellationToken);

    public IAsyncEnumerable<FileSystemEntry> ListAsync(VirtualPath directory, CancellationToken cancellationToken) => inner.ListAsync(directory, cancellationToken);

    public ValueTask<Stream> OpenReadAsync(VirtualPath path, long offset, CancellationToken cancellationToken) => inner.OpenReadAsync(path, offset, cancellationToken);

    /// <summary>
    /// A new file needs a place in the file count, refused here at begin (552) before any byte
    /// moves. An overwrite (or a resume before the end) may reuse the old file's bytes: the
    /// upload is credited with them, since at commit they are freed.
    /// </summary>
    public async ValueTask<IUpload> BeginUploadAsync(VirtualPath path, UploadMode mode, long offset, CancellationToken cancellationToken)
    {
        var before = await inner.GetEntryAsync(path, cancellationToken);
        var existing = before is { IsDirectory: false } ? before : null;
        var reservation = new QuotaReservation();
        if (existing is null && before is null && !account.TryReserveFile(reservation))
        {
            throw new StorageException(StorageErrorKind.QuotaExceeded);
        }

        var credit = existing is not null && mode is UploadMode.Replace or UploadMode.Resume ? Math.Max(0, existing.Size - offset) : 0;
        try
        {
            var upload = await inner.BeginUploadAsync(path, mode, offset, cancellationToken);
            return new QuotaUpload(upload, inner, account, reservation, existing, credit);
        }
        catch
        {
            account.Settle(reservation, 0, 0);
            throw;
        }
    }

    public ValueTask CreateDirectoryAsync(VirtualPath path, CancellationToken cancellationToken) => inner.CreateDirectoryAsync(path, cancellationToken);

    public async ValueTask DeleteFileAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        var before = await inner.GetEntryAsync(path, cancellationToken);
        await inner.DeleteFileAsync(path, cancellationToken);
        if (before is { IsDirectory: false })
        {
            account.Settle(new QuotaReservation(), -before.Size, -1);
        }
    }

    public ValueTask DeleteDirectoryAsync(VirtualPath path, CancellationToken cancellationToken) => inner.DeleteDirectoryAsync(path, cancellationToken);

    /// <summary>A rename inside the home changes nothing, unless it replaces a file at the target, which is then gone.</summary>
    public async ValueTask RenameAsync(VirtualPath from, VirtualPath to, CancellationToken cancellationToken)
    {
        var replaced = from == to ? null : await inner.GetEntryAsync(to, cancellationToken);
        await inner.RenameAsync(from, to, cancellationToken);
        if (replaced is { IsDirectory: false })
        {
            account.Settle(new QuotaReservation(), -replaced.Size, -1);
        }
    }

    public ValueTask SetModificationTimeAsync(VirtualPath path, DateTime timeUtc, CancellationToken cancellationToken) => inner.SetModificationTimeAsync(path, timeUtc, cancellationToken);

    public ValueTask SetUnixModeAsync(VirtualPath path, UnixFileMode mode, CancellationToken cancellationToken) => inner.SetUnixModeAsync(path, mode, cancellationToken);

    public bool TryGetLocalFile(Stream opened, [NotNullWhen(true)] out FileStream? file) => inner.TryGetLocalFile(opened, out file);

    public void Dispose() => inner.Dispose();
}
