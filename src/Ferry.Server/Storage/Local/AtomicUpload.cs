using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// An upload written to a hidden file beside its target and renamed over the target by the
/// commit: renameat2(2) within one folder is atomic, so a reader of the target sees the old file
/// whole until the commit and the new one whole after it, never a mix and never a half file.
/// Both names are relative to the folder's confined descriptor, opened once at the start, so the
/// rename acts in the folder that was confined even if a path on the way is swapped meanwhile.
/// </summary>
/// <remarks>
/// Durability (<see cref="FtpServerOptions.SyncUploads"/>, off by default): when on, the commit calls fdatasync(2) on the new file before the rename, so after a crash
/// the target holds the old bytes or the new ones, never a new name with blocks still unwritten
/// (ext4 with data=ordered guards a rename-over only by its auto_da_alloc heuristic; XFS and btrfs
/// give no such promise). The folder itself is not fsynced: after a crash the rename may be lost,
/// leaving the old file, which is whole, and the client that got no 226 in time sends again.
/// </remarks>
internal sealed class AtomicUpload : IUpload
{
    private readonly int _folder;
    private readonly byte[] _working;
    private readonly byte[] _target;
    private readonly byte[] _partial;
    private readonly FileStream _file;
    private readonly bool _createNew;
    private readonly uint? _mode;
    private readonly bool _workingIsPartial;
    private readonly AbortedUploads _aborted;
    private readonly bool _sync;
    private readonly ILogger _logger;
    private bool _committed;
    private bool _lostRace;
    private bool _disposed;
    private bool _discard;

    /// <param name="path">The target, for the contract and the log.</param>
    /// <param name="folder">The target folder's confined descriptor; the upload owns and closes it.</param>
    /// <param name="working">The hidden file written (NUL-terminated name in <paramref name="folder"/>).</param>
    /// <param name="workingIsPartial">Whether <paramref name="working"/> is the kept partial being resumed (an abort leaves it as it is) rather than a fresh in-flight file.</param>
    /// <param name="file">The open working file, positioned.</param>
    /// <param name="createNew">STOU and STOR without Overwrite: the rename must not replace anything (RENAME_NOREPLACE), so two uploads of one name cannot both win.</param>
    /// <param name="mode">The mode to give the new file at commit (<see cref="UploadFileMode.Replacing"/>), or null to keep the one it was created with.</param>
    /// <param name="aborted">What an abort leaves.</param>
    /// <param name="sync">Whether the commit calls fdatasync before the rename (<see cref="FtpServerOptions.SyncUploads"/>).</param>
    /// <param name="logger">For what an abort did.</param>
    public AtomicUpload(VirtualPath path, int folder, byte[] working, bool workingIsPartial, FileStream file, bool createNew, uint? mode, AbortedUploads aborted, bool sync, ILogger logger)
    {
        _sync = sync;
        Path = path;
        _folder = folder;
        _working = working;
        _workingIsPartial = workingIsPartial;
        _target = UploadNames.Terminated(path.Name);
        _partial = UploadNames.PartialOf(path.Name);
        _file = file;
        _createNew = createNew;
        _mode = mode;
        _aborted = aborted;
        _logger = logger;
    }

    public VirtualPath Path { get; }

    public Stream Content => _file;

    /// <summary>Not computed here: splice keeps the bytes out of user space; UploadChecksumKeeper reads the file back from the page cache.</summary>
    public string? Sha256 => null;

    public bool TryGetLocalFile([NotNullWhen(true)] out FileStream? local)
    {
        local = _file;
        return true;
    }

    /// <summary>fdatasync, the mode, then the rename; until the rename nothing at the target has changed.</summary>
    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var descriptor = (int)_file.SafeFileHandle.DangerousGetHandle();
        try
        {
            await _file.FlushAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw LocalErrors.Translate(e);
        }

        if (_sync && JailNative.SyncData(descriptor) != 0)
        {
            throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
        }

        if (_mode is { } mode && JailNative.ChangeModeOf(descriptor, mode) != 0)
        {
            throw LocalErrors.FromErrno(Marshal.GetLastPInvokeError());
        }

        // The last moment to give up: once renamed, the upload is the file.
        cancellationToken.ThrowIfCancellationRequested();
        if (RenameWorking(_target, _createNew ? JailNative.NoReplace : 0) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == JailNative.EEXIST)
            {
                // Another create-only upload of this name won: this one's bytes are no partial of that file.
                _lostRace = true;
            }

            throw LocalErrors.FromErrno(errno);
        }

        _committed = true;
        await DisposeAsync();
    }

    public void DiscardOnAbort() => _discard = true;

    /// <summary>Without a commit: an abort, which keeps the bytes as the target's partial or removes them (<see cref="AbortedUploads"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        long written = 0;
        try
        {
            written = _file.Length;
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            await _file.DisposeAsync();
        }
        catch (IOException)
        {
            // The bytes that did not reach the disk are lost with the abort; a commit flushed already.
        }

        try
        {
            if (!_committed)
            {
                Abort(written);
            }
        }
        finally
        {
            JailNative.Close(_folder);
        }
    }

    private void Abort(long written)
    {
        if (_discard)
        {
            Remove("the upload policy refused it");
            return;
        }

        if (_workingIsPartial)
        {
            // A resumed partial that failed again: kept as it now is for the next try, unless nothing may be kept.
            if (_aborted == AbortedUploads.Delete)
            {
                Remove("AbortedUploads is Delete");
            }
            else
            {
                FerryLog.AbortedUploadKept(_logger, Path.Value, written);
            }

            return;
        }

        if (_aborted == AbortedUploads.Delete || written == 0 || _lostRace)
        {
            Remove(_lostRace ? "another upload created the name first" : written == 0 ? "nothing was written" : "AbortedUploads is Delete");
            return;
        }

        // Replaces an older partial of the same name: the newest attempt is the one a client resumes.
        if (RenameWorking(_partial, 0) == 0)
        {
            FerryLog.AbortedUploadKept(_logger, Path.Value, written);
            return;
        }

        var errno = Marshal.GetLastPInvokeError();
        Remove(errno == JailNative.ENAMETOOLONG ? "the name is too long for a hidden partial beside it" : "it could not be kept (errno " + errno.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
    }

    private void Remove(string reason)
    {
        if (UnlinkWorking() == 0 || Marshal.GetLastPInvokeError() == JailNative.ENOENT)
        {
            FerryLog.AbortedUploadRemoved(_logger, Path.Value, reason);
            return;
        }

        FerryLog.UploadCleanupFailed(_logger, Path.Value, "errno " + Marshal.GetLastPInvokeError().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>renameat2 of the working file to <paramref name="name"/> in the same confined folder; 0 or -1 with errno set.</summary>
    private unsafe int RenameWorking(byte[] name, uint flags)
    {
        fixed (byte* from = _working)
        fixed (byte* to = name)
        {
            return JailNative.RenameAt(_folder, from, _folder, to, flags);
        }
    }

    private unsafe int UnlinkWorking()
    {
        fixed (byte* name = _working)
        {
            return JailNative.UnlinkAt(_folder, name, 0);
        }
    }
}
