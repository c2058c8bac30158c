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

    public ValueTask<FileSystemEntry?> GetEntryAsync(VirtualPath path, CancellationToken cancellationToken)
    {
        var full = MapOrNull(path);
        if (full is null)
        {
            return ValueTask.FromResult<FileSystemEntry?>(null);
        }

        FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        return ValueTask.FromResult(info.Exists ? ToEntry(info, path.Name, full) : null);
    }

    public async IAsyncEnumerable<FileSystemEntry> ListAsync(
        VirtualPath directory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Local enumeration is synchronous; the interface is async for object-store backends.
        await Task.CompletedTask;
        var full = Map(directory);
        if (!Directory.Exists(full))
        {
            throw new StorageException(File.Exists(full) ? StorageErrorKind.NotADirectory : StorageErrorKind.NotFound);
        }

        IEnumerator<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(full).EnumerateFileSystemInfos().GetEnumerator();
        }
        catch (Exception e)
        {
            throw LocalErrors.Translate(e);
        }

        using (entries)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                FileSystemInfo info;
                try
                {
                    if (!entries.MoveNext())
                    {
                        yield break;
                    }

                    info = entries.Current;
                }
                catch (Exception e)
                {
                    throw LocalErrors.Translate(e);
                }

                var entry = Describe(info);
                if (entry is not null)
                {
                    yield return entry;
                }
            }
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
        if (path.IsRoot)
        {
            return _root;
        }

        var parent = NativePath.RealPath(_root + path.Parent.Value);
        if (parent is null || !IsInsideRoot(parent))
        {
            throw new StorageException(StorageErrorKind.NotFound);
        }

        var full = parent == "/" ? "/" + path.Name : parent + "/" + path.Name;
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

    /// <summary>A listing entry; symlinks are shown as what they point to, and hidden when that is outside the root or gone.</summary>
    private FileSystemEntry? Describe(FileSystemInfo info)
    {
        var full = info.FullName;
        // The attributes come from the enumeration's own lstat; LinkTarget would cost a readlink per entry.
        if (info.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            var target = NativePath.RealPath(full);
            if (target is null || !IsInsideRoot(target))
            {
                return null;
            }

            info = Directory.Exists(target) ? new DirectoryInfo(target) : new FileInfo(target);
            if (!info.Exists)
            {
                return null;
            }
        }

        return ToEntry(info, Path.GetFileName(full), full);
    }

    private static FileSystemEntry ToEntry(FileSystemInfo info, string name, string fullPath)
    {
        var isDirectory = info is DirectoryInfo;
        UnixFileMode? mode = OperatingSystem.IsWindows() ? null : info.UnixFileMode;
        return new FileSystemEntry(
            name,
            isDirectory,
            isDirectory ? 0 : ((FileInfo)info).Length,
            info.LastWriteTimeUtc,
            mode,
            StableId(fullPath));
    }

    /// <summary>FNV-1a of the real path: stable across sessions, unlike string.GetHashCode.</summary>
    private static string StableId(string fullPath)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(fullPath))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash.ToString("x16");
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
