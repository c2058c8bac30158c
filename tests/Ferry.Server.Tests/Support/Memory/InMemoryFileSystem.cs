using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Checksums;

namespace Ferry.Server.Tests.Support.Memory;

/// <summary>
/// A second, complete implementation of the storage contract, with nothing of local disk: no OS
/// descriptors (<see cref="TryGetLocalFile"/> is always false, so RETR and STOR take the copy
/// loop), and uploads that become visible only at their commit, as an object store's would. The
/// storage tests run against it and <see cref="Server.Storage.Local.LocalFileSystem"/> alike, so the contract is
/// proven by two backends. Errors follow what the kernel says on local disk (a file where a folder
/// is needed: NotADirectory; a folder where a file is needed: IsADirectory), so both backends give
/// a client the same replies.
/// </summary>
public sealed class InMemoryFileSystem : IFileSystem
{
    /// <summary>The capabilities a test may leave out, to build a backend without MFMT or SITE CHMOD.</summary>
    public const FileSystemCapabilities OptionalCapabilities = FileSystemCapabilities.SetModificationTime | FileSystemCapabilities.SetUnixMode;

    internal const FileSystemCapabilities Always =
        FileSystemCapabilities.Append | FileSystemCapabilities.ReadFromOffset | FileSystemCapabilities.Rename;

    private readonly InMemoryVolume _volume;

    /// <param name="volume">The tree this login sees as its root.</param>
    /// <param name="optional">Which of <see cref="OptionalCapabilities"/> to declare (all by default); the others throw NotSupported.</param>
    public InMemoryFileSystem(InMemoryVolume volume, FileSystemCapabilities optional = OptionalCapabilities)
    {
        if ((optional & ~OptionalCapabilities) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(optional), optional, "Only SetModificationTime and SetUnixMode are optional here.");
        }

        _volume = volume;
        Capabilities = Always | optional;
    }

    /// <summary>
    /// Append, resume and rename always; MFMT and SITE CHMOD as built; never LocalFileHandle,
    /// since there is no OS file to hand to sendfile or splice.
    /// </summary>
    public FileSystemCapabilities Capabilities { get; }

    /// <summary>No partial is kept apart from its name here (an aborted resume keeps its bytes in the file itself).</summary>
    public ValueTask<FileSystemEntry?> GetResumableEntryAsync(VirtualPath path, CancellationToken cancellationToken) => GetEntryAsync(path, cancellationToken);

    /// <summary>No <see cref="FileSystemCapabilities.KeptChecksums"/>: HASH always reads the file.</summary>
    public ValueTask<string?> GetKeptChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, CancellationToken cancellationToken) =>
        ValueTask.FromResult<string?>(null);

    public ValueTask KeepChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, string checksum, FileSystemEntry readFrom, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask<FileSystemEntry?> GetEntryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_volume.Gate)
        {
            return ValueTask.FromResult(_volume.Find(path)?.ToEntry(path.Name));
        }
    }

    public async IAsyncEnumerable<FileSystemEntry> ListAsync(VirtualPath directory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FileSystemEntry[] entries;
        lock (_volume.Gate)
        {
            var node = _volume.Find(directory) ?? throw Missing(directory);
            entries = node.Children is { } children
                ? children.Select(child => child.Value.ToEntry(child.Key)).ToArray()
                : throw new StorageException(StorageErrorKind.NotADirectory);
        }

        // A snapshot taken under the lock, handed out without it: a slow client never holds the tree.
        // Each entry comes asynchronously, as from a remote store, so no caller can lean on a listing that completes synchronously.
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return entry;
        }
    }

    /// <summary>A read-only stream over the file's current content array, which no later upload writes into.</summary>
    public ValueTask<Stream> OpenReadAsync(VirtualPath path, long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        byte[] content;
        lock (_volume.Gate)
        {
            var node = _volume.Find(path) ?? throw Missing(path);
            content = node.IsDirectory ? throw new StorageException(StorageErrorKind.IsADirectory) : node.Content;
        }

        return ValueTask.FromResult<Stream>(new MemoryStream(content, writable: false) { Position = offset });
    }

    /// <summary>
    /// Checks at the beginning what can be checked (the folder exists, no folder stands at the
    /// name, CreateNew's name is free, Resume's offset is inside the file); <see cref="InMemoryUpload"/>
    /// checks again at its commit, since the tree may have changed while the bytes came in.
    /// </summary>
    public ValueTask<IUpload> BeginUploadAsync(VirtualPath path, UploadMode mode, long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (path.IsRoot)
        {
            throw new StorageException(mode == UploadMode.CreateNew ? StorageErrorKind.AlreadyExists : StorageErrorKind.IsADirectory);
        }

        byte[] kept;
        lock (_volume.Gate)
        {
            var existing = _volume.ParentOf(path).Children!.GetValueOrDefault(path.Name);
            if (mode == UploadMode.CreateNew && existing is not null)
            {
                // O_EXCL says EEXIST for a folder too; the handler tells the two apart.
                throw new StorageException(StorageErrorKind.AlreadyExists);
            }

            if (existing is { IsDirectory: true })
            {
                throw new StorageException(StorageErrorKind.IsADirectory);
            }

            var current = existing?.Content ?? [];
            kept = mode switch
            {
                UploadMode.Append => current,

                // No StorageErrorKind says "bad offset"; the REST handler refuses a short file with 554 before it gets here.
                UploadMode.Resume => offset <= current.LongLength ? current[..(int)offset] : throw new StorageException(StorageErrorKind.PermissionDenied),
                _ => [],
            };
        }

        return ValueTask.FromResult<IUpload>(new InMemoryUpload(_volume, path, mode, kept));
    }

    public ValueTask CreateDirectoryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.AlreadyExists);
        }

        lock (_volume.Gate)
        {
            var parent = _volume.ParentOf(path);
            var children = parent.Children!;
            if (children.ContainsKey(path.Name))
            {
                throw new StorageException(StorageErrorKind.AlreadyExists);
            }

            children[path.Name] = MemoryNode.NewDirectory(_volume.NextId(), _volume.NowUtc);
            parent.ModifiedUtc = _volume.NowUtc;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteFileAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.IsADirectory);
        }

        lock (_volume.Gate)
        {
            var parent = _volume.ParentOf(path);
            var siblings = parent.Children!;
            var node = siblings.GetValueOrDefault(path.Name) ?? throw Missing(path);
            if (node.IsDirectory)
            {
                throw new StorageException(StorageErrorKind.IsADirectory);
            }

            siblings.Remove(path.Name);
            parent.ModifiedUtc = _volume.NowUtc;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteDirectoryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.PermissionDenied);
        }

        lock (_volume.Gate)
        {
            var parent = _volume.ParentOf(path);
            var siblings = parent.Children!;
            var node = siblings.GetValueOrDefault(path.Name) ?? throw Missing(path);
            if (node.Children is not { } children)
            {
                throw new StorageException(StorageErrorKind.NotADirectory);
            }

            if (children.Count > 0)
            {
                throw new StorageException(StorageErrorKind.NotEmpty);
            }

            siblings.Remove(path.Name);
            parent.ModifiedUtc = _volume.NowUtc;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// As on local disk (renameat2): a file replaces a file, never a folder (IsADirectory); a
    /// folder replaces nothing (AlreadyExists) and cannot move into itself (InvalidName). The
    /// node moves whole, so its unique id and times stay.
    /// </summary>
    public ValueTask RenameAsync(VirtualPath from, VirtualPath to, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (from.IsRoot || to.IsRoot)
        {
            throw new StorageException(StorageErrorKind.PermissionDenied);
        }

        if (to.Value.StartsWith(from.Value + "/", StringComparison.Ordinal))
        {
            throw new StorageException(StorageErrorKind.InvalidName);
        }

        lock (_volume.Gate)
        {
            var source = _volume.ParentOf(from);
            var target = _volume.ParentOf(to);
            var sourceEntries = source.Children!;
            var targetEntries = target.Children!;
            var node = sourceEntries.GetValueOrDefault(from.Name) ?? throw Missing(from);
            if (from == to)
            {
                return ValueTask.CompletedTask;
            }

            if (targetEntries.TryGetValue(to.Name, out var existing))
            {
                if (node.IsDirectory || existing.IsDirectory)
                {
                    throw new StorageException(node.IsDirectory ? StorageErrorKind.AlreadyExists : StorageErrorKind.IsADirectory);
                }
            }

            sourceEntries.Remove(from.Name);
            targetEntries[to.Name] = node;
            source.ModifiedUtc = target.ModifiedUtc = _volume.NowUtc;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SetModificationTimeAsync(VirtualPath path, DateTime timeUtc, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Require(FileSystemCapabilities.SetModificationTime);
        lock (_volume.Gate)
        {
            (_volume.Find(path) ?? throw Missing(path)).ModifiedUtc = timeUtc.ToUniversalTime();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SetUnixModeAsync(VirtualPath path, UnixFileMode mode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Require(FileSystemCapabilities.SetUnixMode);
        lock (_volume.Gate)
        {
            // Permission, setuid, setgid and sticky bits: what chmod(2) keeps of a mode.
            (_volume.Find(path) ?? throw Missing(path)).Mode = mode & (UnixFileMode)0b111_111_111_111;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>No OS file stands behind any stream of this backend.</summary>
    public bool TryGetLocalFile(Stream opened, [NotNullWhen(true)] out FileStream? file)
    {
        file = null;
        return false;
    }

    /// <summary>Nothing to release: the volume belongs to the test, and outlives the session.</summary>
    public void Dispose()
    {
    }

    /// <summary>NotFound, or NotADirectory when a file stands where a folder on the way should be (as ENOTDIR).</summary>
    private StorageException Missing(VirtualPath path)
    {
        _volume.ParentOf(path);
        return new StorageException(StorageErrorKind.NotFound);
    }

    private void Require(FileSystemCapabilities capability)
    {
        if (!Capabilities.HasFlag(capability))
        {
            throw new StorageException(StorageErrorKind.NotSupported);
        }
    }
}
