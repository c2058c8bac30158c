using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// Path lookup below a directory handle without openat2: one openat(2) per component with
/// O_NOFOLLOW, each relative to the directory handle opened just before, so nothing is looked up
/// by a path the kernel would walk on its own. A symlink is read through its own O_PATH handle
/// and its target spliced into the components still to walk: a relative target from the
/// directory that holds the link, an absolute one from the root, and only when it names the
/// root's own path. ".." steps back to the handle the walk came from and never above the root.
/// Anything that would leave the root is EXDEV; more than 40 links (the kernel's MAXSYMLINKS)
/// is ELOOP.
/// </summary>
/// <remarks>
/// Slower than openat2 (one system call per component plus a statx for each directory step), it
/// runs only where openat2 cannot: older kernels and absolute symlinks (see <see cref="ConfinedRoot"/>).
/// </remarks>
internal static unsafe class ComponentWalk
{
    private const int MaxSymlinks = 40;
    private const int MaxLinkLength = 4096;

    /// <summary>The descriptor of <paramref name="relativePath"/> (NUL-terminated) opened with <paramref name="flags"/>, or minus the errno.</summary>
    public static int Open(int root, byte[][] absolutePrefixes, ReadOnlySpan<byte> relativePath, int flags, uint mode)
    {
        var pending = new Stack<byte[]>();
        Push(pending, relativePath[..^1]);
        var directories = new List<int> { root };
        var links = 0;
        try
        {
            while (true)
            {
                if (!NextName(pending, directories, out var name, out var escaped))
                {
                    if (escaped)
                    {
                        return -JailNative.EXDEV;
                    }

                    // The path named the directory reached ("." or a link to it): open that one.
                    return Reopen(directories[^1], flags, mode);
                }

                var here = directories[^1];
                var last = pending.Count == 0;
                var result = last ? OpenLast(here, name, flags, mode, out var link) : Step(here, name, out link);
                if (link is null)
                {
                    if (result < 0 || last)
                    {
                        return result;
                    }

                    directories.Add(result);
                    continue;
                }

                if (++links > MaxSymlinks)
                {
                    return -JailNative.ELOOP;
                }

                if (link.Length > 0 && link[0] == (byte)'/')
                {
                    if (!TryStripRoot(link, absolutePrefixes, out var inside))
                    {
                        return -JailNative.EXDEV;
                    }

                    CloseAbove(directories, 1);
                    Push(pending, inside);
                }
                else
                {
                    Push(pending, link);
                }
            }
        }
        finally
        {
            CloseAbove(directories, 1);
        }
    }

    /// <summary>The next component to open, after "." and ".." are taken care of; false when none is left (or ".." tried to leave the root).</summary>
    private static bool NextName(Stack<byte[]> pending, List<int> directories, out byte[] name, out bool escaped)
    {
        escaped = false;
        while (pending.TryPop(out name!))
        {
            if (name.Length == 2 && name[0] == (byte)'.' && name[1] == (byte)'.')
            {
                if (directories.Count == 1)
                {
                    escaped = true;
                    return false;
                }

                CloseAbove(directories, directories.Count - 1);
                continue;
            }

            return true;
        }

        name = [];
        return false;
    }

    /// <summary>An inner component: a directory handle (O_PATH), or the target of a symlink in <paramref name="link"/>.</summary>
    private static int Step(int directory, byte[] name, out byte[]? link)
    {
        link = null;
        var descriptor = OpenName(directory, name, OpenFlags.PathOnly | OpenFlags.NoFollow | OpenFlags.CloseOnExec, 0);
        if (descriptor < 0)
        {
            return descriptor;
        }

        var type = TypeOf(descriptor);
        if (type == FileKind.Directory)
        {
            return descriptor;
        }

        if (type == FileKind.Link)
        {
            link = ReadLink(descriptor);
        }

        JailNative.Close(descriptor);
        return link is null ? -JailNative.ENOTDIR : 0;
    }

    /// <summary>The final component with the caller's flags, never following a link by itself: a link comes back in <paramref name="link"/>.</summary>
    private static int OpenLast(int directory, byte[] name, int flags, uint mode, out byte[]? link)
    {
        link = null;
        if ((flags & OpenFlags.PathOnly) != 0)
        {
            // O_PATH|O_NOFOLLOW opens a link itself: look at what was opened.
            var descriptor = OpenName(directory, name, (flags & ~OpenFlags.Directory) | OpenFlags.NoFollow, 0);
            if (descriptor < 0)
            {
                return descriptor;
            }

            var type = TypeOf(descriptor);
            if (type == FileKind.Link)
            {
                link = ReadLink(descriptor);
                JailNative.Close(descriptor);
                return link is null ? -JailNative.ELOOP : 0;
            }

            if ((flags & OpenFlags.Directory) != 0 && type != FileKind.Directory)
            {
                JailNative.Close(descriptor);
                return -JailNative.ENOTDIR;
            }

            return descriptor;
        }

        var opened = OpenName(directory, name, flags | OpenFlags.NoFollow, mode);
        var mayBeLink = opened == -JailNative.ELOOP || (opened == -JailNative.ENOTDIR && (flags & OpenFlags.Directory) != 0);
        if (!mayBeLink)
        {
            return opened;
        }

        // O_NOFOLLOW met a symlink (ELOOP; ENOTDIR when O_DIRECTORY was asked for too): read it
        // through its own handle, so the link read is the link that was there, then walk on with
        // its target.
        var handle = OpenName(directory, name, OpenFlags.PathOnly | OpenFlags.NoFollow | OpenFlags.CloseOnExec, 0);
        if (handle < 0)
        {
            return handle;
        }

        var isLink = TypeOf(handle) == FileKind.Link;
        link = isLink ? ReadLink(handle) : null;
        JailNative.Close(handle);
        if (isLink)
        {
            return link is null ? -JailNative.ELOOP : 0;
        }

        if (opened == -JailNative.ENOTDIR)
        {
            return opened;
        }

        // A link replaced by something else since: the next round opens the name again (bounded by MaxSymlinks).
        link = name;
        return 0;
    }

    private static int Reopen(int directory, int flags, uint mode) => OpenName(directory, "."u8.ToArray(), flags, mode);

    private static int OpenName(int directory, byte[] name, int flags, uint mode)
    {
        Span<byte> terminated = stackalloc byte[name.Length + 1];
        name.CopyTo(terminated);
        terminated[^1] = 0;
        fixed (byte* path = terminated)
        {
            var descriptor = JailNative.OpenAt(directory, path, flags, mode);
            return descriptor >= 0 ? descriptor : -Marshal.GetLastPInvokeError();
        }
    }

    private enum FileKind
    {
        Other,
        Directory,
        Link,
    }

    private static FileKind TypeOf(int descriptor)
    {
        FileStatus status;
        fixed (byte* empty = "\0"u8)
        {
            if (DirectoryNative.Statx(descriptor, empty, JailNative.EmptyPath | DirectoryNative.AtSymlinkNoFollow, 0x1, &status) != 0)
            {
                return FileKind.Other;
            }
        }

        return status.IsDirectory ? FileKind.Directory : status.IsSymbolicLink ? FileKind.Link : FileKind.Other;
    }

    /// <summary>The target of the symlink an O_PATH|O_NOFOLLOW handle holds; null when it cannot be read.</summary>
    private static byte[]? ReadLink(int descriptor)
    {
        var buffer = new byte[MaxLinkLength];
        nint length;
        fixed (byte* empty = "\0"u8)
        fixed (byte* target = buffer)
        {
            length = JailNative.ReadLinkAt(descriptor, empty, target, (nuint)buffer.Length);
        }

        return length <= 0 || length >= buffer.Length ? null : buffer[..(int)length];
    }

    /// <summary>An absolute link target that names the root (or something below it) as the rest below the root.</summary>
    private static bool TryStripRoot(byte[] target, byte[][] absolutePrefixes, out byte[] inside)
    {
        foreach (var prefix in absolutePrefixes)
        {
            if (target.AsSpan().StartsWith(prefix) && (target.Length == prefix.Length || target[prefix.Length] == (byte)'/'))
            {
                inside = target[prefix.Length..];
                return true;
            }
        }

        inside = [];
        return false;
    }

    /// <summary>Pushes the components of <paramref name="path"/> so the first one is on top; empty ones and "." are dropped.</summary>
    private static void Push(Stack<byte[]> pending, ReadOnlySpan<byte> path)
    {
        var components = new List<byte[]>();
        foreach (var range in path.Split((byte)'/'))
        {
            var component = path[range];
            if (component.Length == 0 || (component.Length == 1 && component[0] == (byte)'.'))
            {
                continue;
            }

            components.Add(component.ToArray());
        }

        for (var i = components.Count - 1; i >= 0; i--)
        {
            pending.Push(components[i]);
        }
    }

    /// <summary>Closes the directory handles above the first <paramref name="keep"/> (the root is never closed here).</summary>
    private static void CloseAbove(List<int> directories, int keep)
    {
        for (var i = directories.Count - 1; i >= keep; i--)
        {
            JailNative.Close(directories[i]);
            directories.RemoveAt(i);
        }
    }
}
