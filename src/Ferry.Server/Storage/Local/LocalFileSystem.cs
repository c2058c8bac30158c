using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// A user's root on local disk. The root is held open (<see cref="ConfinedRoot"/>) and every
/// access is a system call relative to it or to a directory opened below it, the lookup confined
/// by the kernel: "..", absolute paths and symlinks leading out (to /etc or anywhere else) cannot
/// escape, not even by a symlink swapped in between two calls, since no path is checked and then
/// opened again. Files are changed through the descriptor that was opened (fchmod, utimensat,
/// ftruncate on it), entries through their parent directory's descriptor (mkdirat, unlinkat,
/// renameat2), so the thing changed is the thing that was confined.
/// </summary>
public sealed unsafe partial class LocalFileSystem : IFileSystem
{
    /// <summary>What .NET's Directory.CreateDirectory creates with; the umask narrows it (files: <see cref="UploadFileMode"/>).</summary>
    private const uint NewDirectoryMode = 0b111_111_111;

    /// <summary>How often a fresh in-flight name is tried when one exists already (64 random bits: never, in practice).</summary>
    private const int InFlightNameAttempts = 4;

    /// <summary>NAME_MAX (limits.h) plus the terminating NUL: the longest name a Linux file system takes.</summary>
    private const int MaxNameBytes = 255 + 1;

    private readonly ConfinedRoot _root;
    private readonly bool _allowHardLinkWrites;
    private readonly AbortedUploads _abortedUploads;
    private readonly bool _syncUploads;
    private readonly StaleUploadSweeper _sweeper;
    private readonly ILogger _logger;
    private readonly UploadModes _modes;

    /// <summary>Opens the user's root; a missing or unreadable one is a <see cref="StorageException"/>.</summary>
    /// <param name="rootDirectory">The user's home.</param>
    /// <param name="allowHardLinkWrites">
    /// Whether STOR over, APPE to, REST+STOR into, SITE CHMOD and MFMT of a regular file that has
    /// other hard links are allowed (<see cref="FtpServerOptions.AllowHardLinkWrites"/>): they
    /// change the shared inode, which another name outside the root may lead to.
    /// </param>
    /// <param name="abortedUploads">What an aborted STOR or STOU leaves (<see cref="FtpServerOptions.AbortedUploads"/>).</param>
    /// <param name="modes">The mode (umask) and owner of new files and folders; null: <see cref="UploadModes.Default"/>.</param>
    public LocalFileSystem(string rootDirectory, bool allowHardLinkWrites = false, AbortedUploads abortedUploads = AbortedUploads.Keep, UploadModes? modes = null)
        : this(rootDirectory, allowHardLinkWrites, useOpenat2: true, abortedUploads, modes: modes)
    {
    }

    /// <summary>With <paramref name="useOpenat2"/> false every lookup takes the component walk, as on a kernel without openat2 (tests).</summary>
    internal LocalFileSystem(
        string rootDirectory, bool allowHardLinkWrites, bool useOpenat2, AbortedUploads abortedUploads = AbortedUploads.Keep,
        StaleUploadSweeper? sweeper = null, ILogger? logger = null, bool syncUploads = false, UploadModes? modes = null)
    {
        _syncUploads = syncUploads;
        _root = ConfinedRoot.Open(rootDirectory, useOpenat2);
        _allowHardLinkWrites = allowHardLinkWrites;
        _abortedUploads = abortedUploads;
        _logger = logger ?? NullLogger.Instance;
        _sweeper = sweeper ?? new StaleUploadSweeper(_logger);
        _modes = modes ?? UploadModes.Default;
    }

    /// <summary>
    /// Whether STOR and STOU write a hidden file renamed over the target at commit
    /// (<see cref="FtpServerOptions.AtomicUploads"/>); false: every upload writes in place.
    /// </summary>
    public bool AtomicUploads { get; init; } = true;

    /// <summary>Called when an owner could not be set (no CAP_CHOWN): the entry is kept, the caller logs.</summary>
    public Action<VirtualPath, int>? OwnerChangeFailed { get; init; }

    /// <summary>Everything: local disk offers every capability (the factory reports it before login).</summary>
    public static FileSystemCapabilities Supported =>
        FileSystemCapabilities.Append | FileSystemCapabilities.ReadFromOffset | FileSystemCapabilities.Rename
        | FileSystemCapabilities.SetModificationTime | FileSystemCapabilities.SetUnixMode
        | FileSystemCapabilities.LocalFileHandle | FileSystemCapabilities.KeptChecksums;

    public FileSystemCapabilities Capabilities => Supported;

    /// <summary>One openat2 (following a final symlink only while it stays inside) and one statx of the handle.</summary>
    public ValueTask<FileSystemEntry?> GetEntryAsync(VirtualPath path, CancellationToken cancellationToken) =>
        ValueTask.FromResult(EntryOf(path));

    private FileSystemEntry? EntryOf(VirtualPath path)
    {
        if (UploadNames.IsReserved(path))
        {
            return null;
        }

        var root = _root.Enter();
        try
        {
            if (path.IsRoot)
            {
                return StatusOf(root, DirectoryNative.ListingMask, out var home) == 0 ? home.ToEntry(path.Name) : null;
            }

            var descriptor = Open(root, path, OpenFlags.PathOnly, 0);
            if (descriptor < 0)
            {
                return null;
            }

            try
            {
                return StatusOf(descriptor, DirectoryNative.ListingMask, out var status) == 0 ? status.ToEntry(path.Name) : null;
            }
            finally
            {
                JailNative.Close(descriptor);
            }
        }
        finally
        {
            _root.Exit();
        }
    }

    public async IAsyncEnumerable<FileSystemEntry> ListAsync(
        VirtualPath directory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Local reads are synchronous; the interface is async for object-store backends.
        await Task.CompletedTask;

        RefuseReserved(directory, StorageErrorKind.NotFound);
        SweepFolder(directory);

        // The errno says what is wrong: ENOENT not found, ENOTDIR a file, EACCES not readable.
        using var reader = OpenDirectory(directory);
        var prefix = RelativeName(directory);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = NextVisible(reader, prefix);
            if (entry is null)
            {
                yield break;
            }

            yield return entry;
        }
    }

    public ValueTask<Stream> OpenReadAsync(VirtualPath path, long offset, CancellationToken cancellationToken)
    {
        RefuseReserved(path, StorageErrorKind.NotFound);
        var handle = OpenFile(path, OpenFlags.ReadOnly, out _);
        // Asynchronous: SendPacketsElement (sendfile) accepts only async-opened streams.
        var stream = Wrap(handle, FileAccess.Read, isAsync: true);
        stream.Seek(offset, SeekOrigin.Begin);
        return ValueTask.FromResult<Stream>(stream);
    }

    /// <summary>
    /// STOR and STOU (and APPE to a name with no file) write a hidden file beside the target that
    /// the commit renames over it (<see cref="AtomicUpload"/>). REST+STOR and APPE continue the
    /// target's kept partial when there is one (see <see cref="AbortedUploads"/>), and otherwise
    /// change the existing file in place, as RFC 959 §4.1.3 and RFC 3659 §5 define them: the
    /// bytes before the offset are the file's own, so there is nothing to swap in atomically
    /// without copying the whole file. A name that is a symlink is written through in place too,
    /// as before: a rename would replace the link itself.
    /// </summary>
    public ValueTask<IUpload> BeginUploadAsync(VirtualPath path, UploadMode mode, long offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RefuseReserved(path, StorageErrorKind.InvalidName);
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.IsADirectory);
        }

        if (AtomicUploads && BeginAtomic(path, mode, offset) is { } atomic)
        {
            return ValueTask.FromResult<IUpload>(atomic);
        }

        var stream = mode switch
        {
            UploadMode.CreateNew => CreateNew(path),
            UploadMode.Append => OpenWrite(path, offset: null),
            UploadMode.Resume => OpenWrite(path, offset),
            _ => OpenWrite(path, 0),
        };
        return ValueTask.FromResult<IUpload>(new InPlaceUpload(path, stream));
    }

    /// <summary>
    /// For SIZE and MDTM, and the REST offset check: the file at <paramref name="path"/>, or,
    /// while no file has that name, the partial an aborted upload left for it, so a client that
    /// asks SIZE before resuming (curl -C -, lftp put -c, FileZilla) resumes where it stopped.
    /// </summary>
    public ValueTask<FileSystemEntry?> GetResumableEntryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        var entry = EntryOf(path);
        return ValueTask.FromResult(entry is not null || path.IsRoot || UploadNames.IsReserved(path) ? entry : PartialEntry(path));
    }

    /// <summary>The kept partial for <paramref name="path"/> as an entry of that name, or null.</summary>
    private FileSystemEntry? PartialEntry(VirtualPath path)
    {
        var root = _root.Enter();
        var folder = -1;
        try
        {
            folder = Open(root, path.Parent, OpenFlags.PathOnly | OpenFlags.Directory, 0);
            return folder >= 0 && StatusAt(folder, UploadNames.PartialOf(path.Name), out var partial) && partial.IsRegularFile
                ? partial.ToEntry(path.Name)
                : null;
        }
        finally
        {
            CloseUnlessRoot(folder, -1);
            _root.Exit();
        }
    }

    /// <summary>The atomic upload for <paramref name="mode"/>, or null where the upload is written in place.</summary>
    private AtomicUpload? BeginAtomic(VirtualPath path, UploadMode mode, long offset)
    {
        var root = _root.Enter();
        var folder = -1;
        try
        {
            folder = Open(root, path.Parent, OpenFlags.PathOnly | OpenFlags.Directory, 0);
            if (folder < 0)
            {
                throw LocalErrors.FromErrno(-folder);
            }

            var target = UploadNames.Terminated(path.Name);
            if (target.Length > MaxNameBytes)
            {
                // Refused before the 150, as open(2) of the name itself would have been (ENAMETOOLONG).
                throw new StorageException(StorageErrorKind.InvalidName);
            }

            var exists = StatusAt(folder, target, out var existing);
            if (exists && existing.IsSymbolicLink)
            {
                return null;
            }

            // "Must not exist" means anything, as O_CREAT|O_EXCL: a folder of that name is AlreadyExists too.
            if (exists && mode == UploadMode.CreateNew)
            {
                throw new StorageException(StorageErrorKind.AlreadyExists);
            }

            if (exists && !existing.IsRegularFile)
            {
                throw new StorageException(existing.IsDirectory ? StorageErrorKind.IsADirectory : StorageErrorKind.PermissionDenied);
            }

            AtomicUpload? upload;
            switch (mode)
            {
                case UploadMode.CreateNew:
                    upload = NewInFlight(path, folder, createNew: true, mode: null);
                    break;
                case UploadMode.Replace:
                    // No hard-link check: the rename gives the name a new inode and leaves the
                    // shared one, and every other name of it, as it was (issue 11, finding 7).
                    if (exists)
                    {
                        ReleaseCachedPages(folder, target);
                    }

                    upload = NewInFlight(path, folder, createNew: false, exists ? UploadFileMode.Replacing(existing) : null);
                    break;
                default:
                    var partialName = UploadNames.PartialOf(path.Name);
                    var hasPartial = StatusAt(folder, partialName, out var partial) && partial.IsRegularFile;

                    // With no file, the partial is what SIZE answered; with one, a REST offset the
                    // partial holds can only come from a client that knows how far its own upload got.
                    upload = hasPartial && (!exists || (mode == UploadMode.Resume && partial.Size >= offset))
                        ? ContinuePartial(path, folder, partialName, mode == UploadMode.Resume ? offset : null, exists ? UploadFileMode.Replacing(existing) : null)
                        : !exists && mode == UploadMode.Append
                            ? NewInFlight(path, folder, createNew: false, mode: null)
                            : null;
                    break;
            }

            if (upload is not null)
            {
                folder = -1;
            }

            return upload;
        }
        finally
        {
            CloseUnlessRoot(folder, -1);
            _root.Exit();
        }
    }

    /// <summary>A new hidden file in the folder (O_CREAT|O_EXCL, then the configured mode and owner on its descriptor); the folder's leftovers are swept first.</summary>
    private AtomicUpload NewInFlight(VirtualPath path, int folder, bool createNew, uint? mode)
    {
        _sweeper.SweepOnce(folder);
        for (var attempt = 0; ; attempt++)
        {
            var name = UploadNames.NewInFlight();
            int descriptor;
            fixed (byte* bytes = name)
            {
                descriptor = JailNative.OpenAt(folder, bytes,
                    OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow | OpenFlags.CloseOnExec | OpenFlags.NoControllingTerminal,
                    UploadFileMode.Create);
            }

            if (descriptor < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == JailNative.EEXIST && attempt < InFlightNameAttempts)
                {
                    continue;
                }

                throw LocalErrors.FromErrno(errno);
            }

            var handle = new SafeFileHandle(descriptor, ownsHandle: true);
            try
            {
                // The configured umask and owner now; a replaced file's own mode is set at commit (mode).
                ApplyModes(handle, path, _modes.FileMode);
            }
            catch
            {
                handle.Dispose();
                fixed (byte* bytes = name)
                {
                    _ = JailNative.UnlinkAt(folder, bytes, 0);
                }

                throw;
            }

            _ = JailNative.Advise(descriptor, 0, 0, JailNative.AdviseSequential);
            var file = Wrap(handle, FileAccess.Write, isAsync: false);
            return new AtomicUpload(path, folder, name, workingIsPartial: false, file, createNew, mode, _abortedUploads, _syncUploads, _logger);
        }
    }

    /// <summary>The kept partial, opened without following a link, cut to the REST offset (RFC 3659 §5: the bytes from there on are replaced) or positioned at its end for APPE.</summary>
    private AtomicUpload ContinuePartial(VirtualPath path, int folder, byte[] partialName, long? offset, uint? mode)
    {
        int descriptor;
        fixed (byte* bytes = partialName)
        {
            descriptor = JailNative.OpenAt(folder, bytes,
                OpenFlags.WriteOnly | OpenFlags.NoFollow | OpenFlags.CloseOnExec | OpenFlags.NoControllingTerminal | OpenFlags.NonBlocking, 0);
        }

        if (descriptor < 0)
        {
            throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        try
        {
            if (StatusOf(descriptor, DirectoryNative.ChangeMask, out var status) != 0)
            {
                throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
            }

            if (!status.IsRegularFile)
            {
                throw new StorageException(StorageErrorKind.PermissionDenied);
            }

            RefuseSharedInode(status);
            var position = offset ?? status.Size;
            if (position > status.Size)
            {
                throw new StorageException(StorageErrorKind.NotFound);
            }

            if (position != status.Size && JailNative.Truncate(descriptor, position) != 0)
            {
                throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
            }

            _ = JailNative.Advise(descriptor, 0, 0, JailNative.AdviseSequential);
            var file = Wrap(handle, FileAccess.Write, isAsync: false);
            file.Seek(position, SeekOrigin.Begin);
            return new AtomicUpload(path, folder, partialName, workingIsPartial: true, file, createNew: false, mode, _abortedUploads, _syncUploads, _logger);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>lstat-style statx of <paramref name="name"/> (NUL-terminated) in <paramref name="folder"/>; false when missing, any other failure is the errno's exception.</summary>
    /// <summary>
    /// The file a STOR replaces is about to become garbage: its cached pages are released now
    /// (POSIX_FADV_DONTNEED drops the clean ones), so the upload reuses them instead of pushing
    /// other files out of the cache. In place, STOR's truncation did this at the start; without
    /// it a 1 GiB replace needs 2 GiB of cache at once, which on this VM cost 2.1-2.5 s of server
    /// CPU against 0.6-0.7 s (first touches of fresh guest memory; bench/atomic-uploads.sh).
    /// Best effort: a reader of the old file meanwhile reads it from disk.
    /// </summary>
    private static void ReleaseCachedPages(int folder, byte[] name)
    {
        int descriptor;
        fixed (byte* bytes = name)
        {
            descriptor = JailNative.OpenAt(folder, bytes, OpenFlags.ReadOnly | OpenFlags.NoFollow | OpenFlags.CloseOnExec | OpenFlags.NonBlocking, 0);
        }

        if (descriptor >= 0)
        {
            _ = JailNative.Advise(descriptor, 0, 0, JailNative.AdviseDontNeed);
            JailNative.Close(descriptor);
        }
    }

    private static bool StatusAt(int folder, byte[] name, out FileStatus status)
    {
        fixed (FileStatus* result = &status)
        fixed (byte* bytes = name)
        {
            if (DirectoryNative.Statx(folder, bytes, DirectoryNative.AtSymlinkNoFollow, DirectoryNative.ChangeMask, result) == 0)
            {
                return true;
            }
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is JailNative.ENOENT or JailNative.ENAMETOOLONG ? false : throw LocalErrors.FromErrno(errno);
    }

    /// <summary>The reserved upload names answer as <paramref name="kind"/>: the user cannot address them.</summary>
    private static void RefuseReserved(VirtualPath path, StorageErrorKind kind)
    {
        if (UploadNames.IsReserved(path))
        {
            throw new StorageException(kind);
        }
    }

    /// <summary>Sweeps leftovers of a killed server from a folder the first time this process lists it.</summary>
    private void SweepFolder(VirtualPath directory)
    {
        var root = _root.Enter();
        try
        {
            var folder = Open(root, directory, OpenFlags.PathOnly | OpenFlags.Directory, 0);
            if (folder >= 0)
            {
                _sweeper.SweepOnce(folder);
                JailNative.Close(folder);
            }
        }
        finally
        {
            _root.Exit();
        }
    }

    private FileStream OpenWrite(VirtualPath path, long? offset)
    {
        // Never O_TRUNC: the link count is checked on the opened file first, and a file that is
        // refused must be left as it was. A new file is made with O_EXCL first, so only a file
        // this upload created gets the upload mode (an existing file keeps its own).
        var handle = TryCreateNew(path, out var status) ?? OpenFile(path, OpenFlags.WriteOnly, out status);
        try
        {
            RefuseSharedInode(status);
            var length = status.Size;
            var position = offset switch
            {
                null => length,
                var at => at.Value,
            };

            // STOR truncates; a resume replaces everything from the offset on (RFC 3659 §5): drop a stale tail.
            if (length != position && offset is not null
                && JailNative.Truncate((int)handle.DangerousGetHandle(), position) != 0)
            {
                throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
            }

            var stream = Wrap(handle, FileAccess.Write, isAsync: false);
            stream.Seek(position, SeekOrigin.Begin);
            return stream;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>O_CREAT|O_EXCL, which never follows a final symlink: a new inode with one link, so no hard-link check is needed.</summary>
    private FileStream CreateNew(VirtualPath path)
    {
        var handle = OpenFile(path, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive, out _);
        try
        {
            ApplyModes(handle, path, _modes.FileMode);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return Wrap(handle, FileAccess.Write, isAsync: false);
    }

    /// <summary>The new file, with its upload mode; null when the name exists already.</summary>
    private SafeFileHandle? TryCreateNew(VirtualPath path, out FileStatus status)
    {
        SafeFileHandle handle;
        try
        {
            handle = OpenFile(path, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive, out status);
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.AlreadyExists)
        {
            status = default;
            return null;
        }

        try
        {
            ApplyModes(handle, path, _modes.FileMode);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The configured mode by fchmod, so the process umask never decides it (vsftpd's
    /// local_umask, ProFTPD's Umask), and the configured owner by fchown, both on the descriptor
    /// that was opened. An owner that cannot be set (no CAP_CHOWN) is reported, not fatal.
    /// </summary>
    private void ApplyModes(SafeHandle handle, VirtualPath path, UnixFileMode mode)
    {
        var descriptor = (int)handle.DangerousGetHandle();
        if (OwnershipNative.ChangeMode(descriptor, (uint)mode) != 0)
        {
            throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
        }

        if (_modes.ChangesOwner && OwnershipNative.ChangeOwner(descriptor, _modes.Uid, _modes.Gid) != 0)
        {
            OwnerChangeFailed?.Invoke(path, Marshal.GetLastPInvokeError());
        }
    }

    public ValueTask CreateDirectoryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        RefuseReserved(path, StorageErrorKind.InvalidName);
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.AlreadyExists);
        }

        // mkdirat does not follow a final symlink: an existing name of any kind is EEXIST.
        InParent(path, EntryChange.MakeDirectory);
        ApplyDirectoryModes(path);
        return ValueTask.CompletedTask;
    }

    /// <summary>unlinkat removes the name itself; a symlink is removed, never what it points to. A directory is EISDIR.</summary>
    public ValueTask DeleteFileAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        RefuseReserved(path, StorageErrorKind.NotFound);
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.IsADirectory);
        }

        try
        {
            InParent(path, EntryChange.RemoveFile);
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.NotFound)
        {
            // DELE of a name with no file but a kept partial (which SIZE answers) discards the
            // partial: the user's only way to free the space it takes, since it cannot be named.
            InParent(path.Parent.Child(UploadNames.PartialPrefix + path.Name), EntryChange.RemoveFile);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteDirectoryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        RefuseReserved(path, StorageErrorKind.NotFound);
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.PermissionDenied);
        }

        InParent(path, EntryChange.RemoveDirectory);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// renameat2 between the two parents' descriptors. A directory never replaces anything
    /// (RENAME_NOREPLACE, as Directory.Move refused to); a file replaces a file (RNTO onto an
    /// existing name, which the permission gate has allowed), never a directory (EISDIR).
    /// </summary>
    public ValueTask RenameAsync(VirtualPath from, VirtualPath to, CancellationToken cancellationToken)
    {
        RefuseReserved(from, StorageErrorKind.NotFound);
        RefuseReserved(to, StorageErrorKind.InvalidName);
        if (from.IsRoot || to.IsRoot)
        {
            throw new StorageException(StorageErrorKind.PermissionDenied);
        }

        // A directory moved into itself would vanish from the tree (rename(2) says EINVAL).
        if (to.Value.StartsWith(from.Value + "/", StringComparison.Ordinal))
        {
            throw new StorageException(StorageErrorKind.InvalidName);
        }

        var root = _root.Enter();
        var source = -1;
        var target = -1;
        try
        {
            source = OpenParent(root, from);
            target = OpenParent(root, to);
            var fromName = NulTerminated(from.Name);
            var toName = NulTerminated(to.Name);
            fixed (byte* fromBytes = fromName)
            fixed (byte* toBytes = toName)
            {
                FileStatus status;
                if (DirectoryNative.Statx(source, fromBytes, DirectoryNative.AtSymlinkNoFollow, 0x1, &status) != 0)
                {
                    throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
                }

                var flags = status.IsDirectory ? JailNative.NoReplace : 0u;
                if (JailNative.RenameAt(source, fromBytes, target, toBytes, flags) != 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    throw errno switch
                    {
                        // Two file systems (a mount inside the home): rename(2) cannot, and a copy is not a rename.
                        JailNative.EXDEV => new StorageException(StorageErrorKind.PermissionDenied),
                        JailNative.EINVAL => new StorageException(StorageErrorKind.InvalidName),
                        _ => LocalErrors.FromErrno(errno),
                    };
                }
            }
        }
        finally
        {
            CloseUnlessRoot(source, root);
            CloseUnlessRoot(target, root);
            _root.Exit();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>utimensat on the confined handle (AT_EMPTY_PATH), the access time left alone as File.SetLastWriteTimeUtc did.</summary>
    public ValueTask SetModificationTimeAsync(VirtualPath path, DateTime timeUtc, CancellationToken cancellationToken)
    {
        RefuseReserved(path, StorageErrorKind.NotFound);
        var sinceEpoch = timeUtc.ToUniversalTime() - DateTime.UnixEpoch;
        var seconds = (long)Math.Floor(sinceEpoch.TotalSeconds);
        var times = stackalloc long[4];
        times[0] = 0;
        times[1] = JailNative.OmitTime;
        times[2] = seconds;
        times[3] = (sinceEpoch.Ticks - (seconds * TimeSpan.TicksPerSecond)) * 100;
        var root = _root.Enter();
        var descriptor = -1;
        try
        {
            descriptor = OpenForChange(root, path);
            fixed (byte* empty = "\0"u8)
            {
                if (JailNative.SetTimesAt(descriptor, empty, times, JailNative.EmptyPath) != 0)
                {
                    throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
                }
            }
        }
        finally
        {
            CloseUnlessRoot(descriptor, -1);
            _root.Exit();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>fchmodat2(AT_EMPTY_PATH) on the confined handle; where the kernel lacks it (before 6.6), chmod of the handle's /proc/self/fd link, which is that very inode.</summary>
    public ValueTask SetUnixModeAsync(VirtualPath path, UnixFileMode mode, CancellationToken cancellationToken)
    {
        RefuseReserved(path, StorageErrorKind.NotFound);
        var root = _root.Enter();
        var descriptor = -1;
        try
        {
            descriptor = OpenForChange(root, path);
            int result;
            fixed (byte* empty = "\0"u8)
            {
                result = JailNative.ChangeModeAt(descriptor, empty, (uint)mode, JailNative.EmptyPath);
            }

            if (result != 0 && Marshal.GetLastPInvokeError() is JailNative.ENOSYS)
            {
                result = JailNative.ChangeMode("/proc/self/fd/" + descriptor.ToString(System.Globalization.CultureInfo.InvariantCulture), (uint)mode);
            }

            if (result != 0)
            {
                throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            CloseUnlessRoot(descriptor, -1);
            _root.Exit();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Every stream this file system opens is a FileStream over the descriptor it confined: that one goes to sendfile.</summary>
    public bool TryGetLocalFile(Stream opened, [NotNullWhen(true)] out FileStream? file)
    {
        file = opened as FileStream;
        return file is not null;
    }

    public void Dispose() => _root.Dispose();

    private static byte[] NulTerminated(string name)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(name) + 1];
        Encoding.UTF8.GetBytes(name, bytes);
        return bytes;
    }

    /// <summary>The path relative to the root, as UTF-8 without a terminator ("" for the root).</summary>
    private static byte[] RelativeName(VirtualPath path) => path.IsRoot ? [] : Encoding.UTF8.GetBytes(path.Value[1..]);

    /// <summary>The confined descriptor of <paramref name="path"/>, or minus the errno.</summary>
    private int Open(int root, VirtualPath path, int flags, uint mode)
    {
        if (path.IsRoot)
        {
            return OpenBelow(root, "."u8, flags, mode);
        }

        // Value without its leading '/', plus a NUL where the '/' was counted.
        var length = Encoding.UTF8.GetByteCount(path.Value);
        Span<byte> relative = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(path.Value.AsSpan(1), relative);
        relative[^1] = 0;
        return _root.Open(root, relative, flags, mode);
    }

    /// <summary><paramref name="name"/> (no terminator) below the root; "." is the root itself.</summary>
    private int OpenBelow(int root, ReadOnlySpan<byte> name, int flags, uint mode)
    {
        Span<byte> relative = name.Length < 512 ? stackalloc byte[name.Length + 1] : new byte[name.Length + 1];
        name.CopyTo(relative);
        relative[^1] = 0;
        return _root.Open(root, relative, flags, mode);
    }

    /// <summary>The parent's directory handle (O_PATH), or the root's own descriptor for an entry at the top.</summary>
    private int OpenParent(int root, VirtualPath path)
    {
        var parent = path.Parent;
        if (parent.IsRoot)
        {
            return root;
        }

        var descriptor = Open(root, parent, OpenFlags.PathOnly | OpenFlags.Directory, 0);
        return descriptor >= 0 ? descriptor : throw LocalErrors.FromErrno(-descriptor);
    }

    private static void CloseUnlessRoot(int descriptor, int root)
    {
        if (descriptor >= 0 && descriptor != root)
        {
            JailNative.Close(descriptor);
        }
    }

    private enum EntryChange
    {
        MakeDirectory,
        RemoveFile,
        RemoveDirectory,
    }

    /// <summary>The folder just made, opened confined and without following a symlink, gets its mode and owner.</summary>
    private void ApplyDirectoryModes(VirtualPath path)
    {
        var root = _root.Enter();
        int descriptor;
        try
        {
            descriptor = Open(root, path, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow | OpenFlags.NonBlocking, 0);
        }
        finally
        {
            _root.Exit();
        }

        if (descriptor < 0)
        {
            throw LocalErrors.FromErrno(-descriptor);
        }

        using var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        ApplyModes(handle, path, _modes.DirectoryMode);
    }

    /// <summary>mkdirat or unlinkat on the entry's name in its confined parent (neither follows a final symlink); a failure is the errno's exception.</summary>
    private void InParent(VirtualPath path, EntryChange change)
    {
        var root = _root.Enter();
        var parent = -1;
        try
        {
            parent = OpenParent(root, path);
            var name = NulTerminated(path.Name);
            fixed (byte* bytes = name)
            {
                var result = change switch
                {
                    EntryChange.MakeDirectory => JailNative.MakeDirectoryAt(parent, bytes, NewDirectoryMode),
                    EntryChange.RemoveFile => JailNative.UnlinkAt(parent, bytes, 0),
                    _ => JailNative.UnlinkAt(parent, bytes, JailNative.RemoveDirectory),
                };
                if (result != 0)
                {
                    throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
                }
            }
        }
        finally
        {
            CloseUnlessRoot(parent, root);
            _root.Exit();
        }
    }

    /// <summary>
    /// Opens a file for a transfer, confined, and checks what was opened (statx of the descriptor,
    /// never of the path again): a directory is EISDIR, anything else that is not a regular file
    /// (a FIFO, a device) is refused.
    /// </summary>
    private SafeFileHandle OpenFile(VirtualPath path, int flags, out FileStatus status)
    {
        var root = _root.Enter();
        int descriptor;
        try
        {
            descriptor = Open(root, path, flags | OpenFlags.NoControllingTerminal | OpenFlags.NonBlocking, UploadFileMode.Create);
        }
        finally
        {
            _root.Exit();
        }

        if (descriptor < 0)
        {
            throw LocalErrors.FromErrno(-descriptor);
        }

        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        try
        {
            if (StatusOf(descriptor, DirectoryNative.ChangeMask, out status) != 0)
            {
                throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
            }

            if (!status.IsRegularFile)
            {
                throw new StorageException(status.IsDirectory ? StorageErrorKind.IsADirectory : StorageErrorKind.PermissionDenied);
            }

            // As FileOptions.SequentialScan did: transfers read and write front to back.
            _ = JailNative.Advise(descriptor, 0, 0, JailNative.AdviseSequential);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>A confined O_PATH handle of the file or directory to change, after the hard-link check on it; the caller closes it.</summary>
    private int OpenForChange(int root, VirtualPath path)
    {
        var descriptor = Open(root, path, OpenFlags.PathOnly, 0);
        if (descriptor < 0)
        {
            throw LocalErrors.FromErrno(-descriptor);
        }

        try
        {
            if (StatusOf(descriptor, DirectoryNative.ChangeMask, out var status) != 0)
            {
                throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
            }

            RefuseSharedInode(status);
            return descriptor;
        }
        catch
        {
            JailNative.Close(descriptor);
            throw;
        }
    }

    /// <summary>
    /// A regular file with more than one link shares its inode with another name, possibly outside
    /// the root (a local user's `ln /etc/x ~alice/x`): changing it in place would change that file
    /// too. Refused unless AllowHardLinkWrites says otherwise. Directories always have several links.
    /// </summary>
    private void RefuseSharedInode(in FileStatus status)
    {
        if (!_allowHardLinkWrites && status.IsRegularFile && status.LinkCount > 1)
        {
            throw new StorageException(StorageErrorKind.HardLinked);
        }
    }

    private static int StatusOf(int descriptor, uint mask, out FileStatus status)
    {
        fixed (FileStatus* result = &status)
        fixed (byte* empty = "\0"u8)
        {
            return DirectoryNative.Statx(descriptor, empty, JailNative.EmptyPath, mask, result);
        }
    }

    private static FileStream Wrap(SafeFileHandle handle, FileAccess access, bool isAsync)
    {
        return new FileStream(handle, access, bufferSize: 0, isAsync: isAsync && AsyncFileHandle.TryMark(handle));
    }

    private DirectoryReader OpenDirectory(VirtualPath directory)
    {
        var root = _root.Enter();
        int descriptor;
        try
        {
            descriptor = Open(root, directory, OpenFlags.ReadOnly | OpenFlags.Directory, 0);
        }
        finally
        {
            _root.Exit();
        }

        return descriptor >= 0 ? DirectoryReader.Open(descriptor) : throw LocalErrors.FromErrno(-descriptor);
    }

    /// <summary>
    /// The next entry worth listing: symlinks are shown as what they point to, and hidden when
    /// that is outside the root or gone (resolved from the root, as any other lookup). Names are
    /// decoded as .NET decodes file names, a byte that is not UTF-8 becoming U+FFFD.
    /// </summary>
    private FileSystemEntry? NextVisible(DirectoryReader reader, byte[] folder)
    {
        while (reader.MoveNext(out var status))
        {
            if (UploadNames.IsReserved(reader.CurrentName))
            {
                continue;
            }

            if (!status.IsSymbolicLink)
            {
                return status.ToEntry(Encoding.UTF8.GetString(reader.CurrentName));
            }

            if (TryFollow(folder, reader.CurrentName, out var target))
            {
                return target.ToEntry(Encoding.UTF8.GetString(reader.CurrentName));
            }
        }

        return null;
    }

    /// <summary>The status of what folder/name leads to, confined; false when it dangles or leads out (links are rare: the cost is theirs alone).</summary>
    private bool TryFollow(byte[] folder, ReadOnlySpan<byte> name, out FileStatus target)
    {
        var length = folder.Length + (folder.Length > 0 ? 1 : 0) + name.Length;
        var path = new byte[length];
        folder.CopyTo(path, 0);
        if (folder.Length > 0)
        {
            path[folder.Length] = (byte)'/';
        }

        name.CopyTo(path.AsSpan(length - name.Length));
        var root = _root.Enter();
        try
        {
            var descriptor = OpenBelow(root, path, OpenFlags.PathOnly, 0);
            if (descriptor < 0)
            {
                target = default;
                return false;
            }

            var found = StatusOf(descriptor, DirectoryNative.ListingMask, out target) == 0;
            JailNative.Close(descriptor);
            return found;
        }
        finally
        {
            _root.Exit();
        }
    }
}
