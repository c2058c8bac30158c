using System.Runtime.CompilerServices;
using System.Text;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// A user's root on local disk. Every access goes through <see cref="Map"/>, which resolves the
/// parent directory with realpath(3) and refuses anything whose real location is outside the
/// root, so "..", absolute paths and symlinks (to /etc or anywhere else) cannot escape.
/// </summary>
/// <remarks>
/// The check and the later open are two system calls, so a local user who can swap a directory
/// for a symlink in between could race it; openat2(RESOLVE_IN_ROOT) would close that window.
/// </remarks>
public sealed class LocalFileSystem : IFileSystem
{
    private readonly string _root;

    public LocalFileSystem(string rootDirectory)
    {
        _root = NativePath.RealPath(Path.GetFullPath(rootDirectory))
            ?? throw new StorageException(StorageErrorKind.NotFound);
        if (!Directory.Exists(_root))
        {
            throw new StorageException(StorageErrorKind.NotADirectory);
        }
    }

    public FileSystemCapabilities Capabilities =>
        FileSystemCapabilities.Append | FileSystemCapabilities.ReadFromOffset | FileSystemCapabilities.Rename
        | FileSystemCapabilities.SetModificationTime | FileSystemCapabilities.SetUnixMode
        | FileSystemCapabilities.LocalFileHandle;

    public ValueTask<FileSystemEntry?> GetEntryAsync(VirtualPath path, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Stat(path));

    public async IAsyncEnumerable<FileSystemEntry> ListAsync(
        VirtualPath directory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Local reads are synchronous; the interface is async for object-store backends.
        await Task.CompletedTask;
        var full = Map(directory);

        // opendir's errno says what is wrong: ENOENT not found, ENOTDIR a file, EACCES not readable.
        using var reader = DirectoryReader.Open(full);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = NextVisible(reader, full);
            if (entry is null)
            {
                yield break;
            }

            yield return entry;
        }
    }

    public ValueTask<Stream> OpenReadAsync(VirtualPath path, long offset, CancellationToken cancellationToken)
    {
        var full = Map(path);
        if (Directory.Exists(full))
        {
            throw new StorageException(StorageErrorKind.IsADirectory);
        }

        return Open(full, FileMode.Open, FileAccess.Read, stream => stream.Seek(offset, SeekOrigin.Begin));
    }

    public ValueTask<Stream> OpenWriteAsync(VirtualPath path, long? offset, CancellationToken cancellationToken)
    {
        var full = Map(path);
        if (Directory.Exists(full))
        {
            throw new StorageException(StorageErrorKind.IsADirectory);
        }

        return offset switch
        {
            null => Open(full, FileMode.Append, FileAccess.Write, static _ => { }),
            0 => Open(full, FileMode.Create, FileAccess.Write, static _ => { }),
            var resumeAt => Open(full, FileMode.OpenOrCreate, FileAccess.Write, stream =>
            {
                // Resume replaces everything from the offset on (RFC 3659 §5): drop a stale tail.
                stream.SetLength(resumeAt.Value);
                stream.Seek(resumeAt.Value, SeekOrigin.Begin);
            }),
        };
    }

    public ValueTask<Stream> CreateNewAsync(VirtualPath path, CancellationToken cancellationToken) =>
        Open(Map(path), FileMode.CreateNew, FileAccess.Write, static _ => { });

    public ValueTask CreateDirectoryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        var full = Map(path);
        return Run(() =>
        {
            if (Directory.Exists(full) || File.Exists(full))
            {
                throw new StorageException(StorageErrorKind.AlreadyExists);
            }

            Directory.CreateDirectory(full);
        });
    }

    public ValueTask DeleteFileAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        var full = Map(path);
        return Run(() =>
        {
            if (Directory.Exists(full) && !IsSymlink(full))
            {
                throw new StorageException(StorageErrorKind.IsADirectory);
            }

            if (!File.Exists(full) && !IsSymlink(full))
            {
                throw new StorageException(StorageErrorKind.NotFound);
            }

            File.Delete(full);
        });
    }

    public ValueTask DeleteDirectoryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        if (path.IsRoot)
        {
            throw new StorageException(StorageErrorKind.PermissionDenied);
        }

        var full = Map(path);
        return Run(() =>
        {
            if (!Directory.Exists(full))
            {
                throw new StorageException(File.Exists(full) ? StorageErrorKind.NotADirectory : StorageErrorKind.NotFound);
            }

            Directory.Delete(full, recursive: false);
        });
    }

    public ValueTask RenameAsync(VirtualPath from, VirtualPath to, CancellationToken cancellationToken)
    {
        if (from.IsRoot || to.IsRoot)
        {
            throw new StorageException(StorageErrorKind.PermissionDenied);
        }

        var source = Map(from);
        var target = Map(to);
        return Run(() =>
        {
            if (Directory.Exists(source) && !IsSymlink(source))
            {
                // A directory moved into itself would vanish from the tree (rename(2) says EINVAL).
                if (to.Value.StartsWith(from.Value + "/", StringComparison.Ordinal))
                {
                    throw new StorageException(StorageErrorKind.InvalidName);
                }

                Directory.Move(source, target);
            }
            else if (File.Exists(source) || IsSymlink(source))
            {
                if (Directory.Exists(target))
                {
                    throw new StorageException(StorageErrorKind.IsADirectory);
                }

                File.Move(source, target, overwrite: true);
            }
            else
            {
                throw new StorageException(StorageErrorKind.NotFound);
            }
        });
    }

    public ValueTask SetModificationTimeAsync(VirtualPath path, DateTime timeUtc, CancellationToken cancellationToken)
    {
        var full = Map(path);
        return Run(() =>
        {
            if (Directory.Exists(full))
            {
                Directory.SetLastWriteTimeUtc(full, timeUtc);
            }
            else if (File.Exists(full))
            {
                File.SetLastWriteTimeUtc(full, timeUtc);
            }
            else
            {
                throw new StorageException(StorageErrorKind.NotFound);
            }
        });
    }

    public ValueTask SetUnixModeAsync(VirtualPath path, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var full = Map(path);
        return Run(() =>
        {
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                throw new StorageException(StorageErrorKind.NotFound);
            }

            File.SetUnixFileMode(full, mode);
        });
    }

    public string? GetLocalFilePath(VirtualPath path)
    {
        var full = MapOrNull(path);
        return full is not null && File.Exists(full) ? full : null;
    }

    /// <summary>
    /// The OS path for <paramref name="path"/>: its parent resolved by realpath(3) and checked to
    /// be inside the root; a final segment that is a symlink is followed and checked too (a
    /// dangling or escaping link reads as not found, so its target is never revealed).
    /// </summary>
    private string Map(VirtualPath path)
    {
        var full = JoinToRealParent(path) ?? throw new StorageException(StorageErrorKind.NotFound);
        if (IsSymlink(full))
        {
            var target = NativePath.RealPath(full);
            if (target is null || !IsInsideRoot(target))
            {
                throw new StorageException(StorageErrorKind.NotFound);
            }
        }

        return full;
    }

    /// <summary>The OS path of <paramref name="path"/> with its parent resolved and confined; the final segment is not looked at. Null when the parent is gone or outside the root.</summary>
    private string? JoinToRealParent(VirtualPath path)
    {
        if (path.IsRoot)
        {
            return _root;
        }

        var parent = NativePath.RealPath(_root + path.Parent.Value);
        if (parent is null || !IsInsideRoot(parent))
        {
            return null;
        }

        return parent == "/" ? "/" + path.Name : parent + "/" + path.Name;
    }

    /// <summary>
    /// What <paramref name="path"/> is, confined as <see cref="Map"/> confines it: one statx for
    /// a file or folder (FileInfo/DirectoryInfo took three stat calls), a realpath and a second
    /// statx only for a symlink. Null when nothing is there, or the link dangles or leads out.
    /// </summary>
    private unsafe FileSystemEntry? Stat(VirtualPath path)
    {
        var full = JoinToRealParent(path);
        if (full is null)
        {
            return null;
        }

        FileStatus status;
        if (DirectoryNative.Statx(DirectoryNative.AtCurrentDirectory, full, DirectoryNative.AtSymlinkNoFollow, DirectoryNative.ListingMask, &status) != 0)
        {
            return null;
        }

        if (status.IsSymbolicLink)
        {
            var target = NativePath.RealPath(full);
            if (target is null || !IsInsideRoot(target)
                || DirectoryNative.Statx(DirectoryNative.AtCurrentDirectory, target, 0, DirectoryNative.ListingMask, &status) != 0)
            {
                return null;
            }
        }

        return status.ToEntry(path.Name);
    }

    private string? MapOrNull(VirtualPath path)
    {
        try
        {
            return Map(path);
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.NotFound)
        {
            return null;
        }
    }

    private bool IsInsideRoot(string realPath) =>
        realPath == _root
        || (realPath.StartsWith(_root, StringComparison.Ordinal)
            && (_root == "/" || realPath[_root.Length] == '/'));

    private static bool IsSymlink(string fullPath)
    {
        try
        {
            return File.GetAttributes(fullPath).HasFlag(FileAttributes.ReparsePoint);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The next entry worth listing: symlinks are shown as what they point to, and hidden when
    /// that is outside the root or gone (the realpath check <see cref="Map"/> makes). Names are
    /// decoded as .NET decodes file names, a byte that is not UTF-8 becoming U+FFFD.
    /// </summary>
    private FileSystemEntry? NextVisible(DirectoryReader reader, string folder)
    {
        while (reader.MoveNext(out var status))
        {
            if (!status.IsSymbolicLink)
            {
                return status.ToEntry(Encoding.UTF8.GetString(reader.CurrentName));
            }

            if (LinkTargetIsInside(folder, reader.CurrentName) && reader.TryFollowCurrent(out var target))
            {
                return target.ToEntry(Encoding.UTF8.GetString(reader.CurrentName));
            }
        }

        return null;
    }

    /// <summary>realpath of folder/name, built from the name's own bytes (links are rare: the cost is theirs alone).</summary>
    private bool LinkTargetIsInside(string folder, ReadOnlySpan<byte> name)
    {
        var folderLength = Encoding.UTF8.GetByteCount(folder);
        var length = folderLength + 1 + name.Length + 1;
        var path = length <= 1024 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(folder, path);
        path[folderLength] = (byte)'/';
        name.CopyTo(path[(folderLength + 1)..]);
        path[^1] = 0;
        var target = NativePath.RealPath(path);
        return target is not null && IsInsideRoot(target);
    }

    private static ValueTask<Stream> Open(string full, FileMode mode, FileAccess access, Action<FileStream> position)
    {
        FileStream? stream = null;
        try
        {
            stream = new FileStream(full, new FileStreamOptions
            {
                Mode = mode,
                Access = access,
                Share = access == FileAccess.Read ? FileShare.ReadWrite : FileShare.Read,
                BufferSize = 0,
                // Asynchronous: SendPacketsElement (sendfile) accepts only async-opened streams.
                Options = FileOptions.SequentialScan | (access == FileAccess.Read ? FileOptions.Asynchronous : FileOptions.None),
            });
            position(stream);
            return ValueTask.FromResult<Stream>(stream);
        }
        catch (Exception e)
        {
            stream?.Dispose();
            throw LocalErrors.Translate(e);
        }
    }

    private static ValueTask Run(Action action)
    {
        try
        {
            action();
            return ValueTask.CompletedTask;
        }
        catch (Exception e)
        {
            throw LocalErrors.Translate(e);
        }
    }
}
