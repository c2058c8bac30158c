namespace Ferry.Server.Storage.Checksums;

/// <summary>
/// A kept checksum is bound to the file's modification time, and most clients set that time
/// right after an upload (MFMT: lftp always, WinSCP and FileZilla when preserving timestamps),
/// which would drop the checksum the upload just kept. MFMT changes no byte, so the SHA-256 that
/// was valid before it is kept again for the new time: same object, same size, only the time
/// changed. A write by someone else between the check and the change is the one case this
/// could miss; the window is two system calls wide.
/// </summary>
internal static class KeptChecksumAcrossTimeChange
{
    public static async ValueTask SetModificationTimeAsync(IFileSystem fileSystem, VirtualPath path, DateTime timeUtc, CancellationToken cancellationToken)
    {
        var kept = fileSystem.Capabilities.HasFlag(FileSystemCapabilities.KeptChecksums)
            ? await TryGetKeptAsync(fileSystem, path, cancellationToken)
            : null;
        await fileSystem.SetModificationTimeAsync(path, timeUtc, cancellationToken);
        if (kept is not { } before)
        {
            return;
        }

        try
        {
            if (await fileSystem.GetEntryAsync(path, cancellationToken) is { IsDirectory: false } after
                && after.UniqueId == before.Entry.UniqueId && after.Size == before.Entry.Size)
            {
                await using var content = await fileSystem.OpenReadAsync(path, 0, cancellationToken);
                await fileSystem.KeepChecksumAsync(content, ChecksumAlgorithm.Sha256, before.Checksum, after, cancellationToken);
            }
        }
        catch (StorageException)
        {
            // Best effort: without it, HASH reads the file.
        }
    }

    private static async ValueTask<(FileSystemEntry Entry, string Checksum)?> TryGetKeptAsync(IFileSystem fileSystem, VirtualPath path, CancellationToken cancellationToken)
    {
        try
        {
            if (await fileSystem.GetEntryAsync(path, cancellationToken) is not { IsDirectory: false } entry)
            {
                return null;
            }

            await using var content = await fileSystem.OpenReadAsync(path, 0, cancellationToken);
            return await fileSystem.GetKeptChecksumAsync(content, ChecksumAlgorithm.Sha256, cancellationToken) is { } checksum
                ? (entry, checksum)
                : null;
        }
        catch (StorageException)
        {
            return null;
        }
    }
}
