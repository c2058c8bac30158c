using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// A user's root, held open as an O_PATH directory handle for the whole session, and the one way
/// to reach anything below it: every name is looked up from this handle by the kernel with
/// openat2(2) and RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so a step that would leave the root
/// fails inside the same system call that opens the file. There is no check-then-open window for
/// a local user who swaps a directory for a symlink (issue 11, finding 5), and no realpath(3)
/// with its readlink per component.
/// </summary>
/// <remarks>
/// <para>
/// RESOLVE_BENEATH rather than RESOLVE_IN_ROOT, to keep what PathEscapeTests expect of symlinks:
/// one that leads out (relative "../../x" or absolute "/etc") is refused, as if it were not
/// there. RESOLVE_IN_ROOT would instead treat the root as "/" (chroot semantics): "../../" would
/// quietly land in the root and "/etc" would mean ROOT/etc, so a link would name something
/// different over FTP than on the host.
/// </para>
/// <para>
/// RESOLVE_BENEATH refuses every absolute symlink, even one that points back into the home (as
/// `ln -s /srv/ftp/alice/real alias` makes). Such lookups (EXDEV), and every lookup where openat2
/// is missing (before Linux 5.6, or refused by a seccomp filter), go through
/// <see cref="ComponentWalk"/>, which follows links one component at a time with O_NOFOLLOW and
/// admits an absolute target only when it names the root's own path.
/// </para>
/// </remarks>
internal sealed unsafe class ConfinedRoot : IDisposable
{
    /// <summary>Whether this kernel (and any seccomp filter in front of it) allows openat2; probed once.</summary>
    private static readonly bool Openat2Works = ProbeOpenat2();

    private readonly SafeFileHandle _handle;
    private readonly bool _useOpenat2;

    private ConfinedRoot(SafeFileHandle handle, byte[][] absolutePrefixes, bool useOpenat2)
    {
        _handle = handle;
        AbsolutePrefixes = absolutePrefixes;
        _useOpenat2 = useOpenat2 && Openat2Works;
    }

    /// <summary>The root's real path and the path it was configured as (UTF-8, no trailing slash; empty for "/"): the absolute symlink targets that stay inside.</summary>
    public byte[][] AbsolutePrefixes { get; }

    /// <summary>Opens <paramref name="directory"/> (its own path may contain symlinks: the administrator's choice).</summary>
    /// <param name="directory">The user's home.</param>
    /// <param name="useOpenat2">False makes every lookup take the component walk, as on a kernel without openat2 (for tests).</param>
    public static ConfinedRoot Open(string directory, bool useOpenat2 = true)
    {
        var configured = Path.GetFullPath(directory);
        var real = NativePath.RealPath(configured) ?? throw new StorageException(StorageErrorKind.NotFound);
        var path = Encoding.UTF8.GetBytes(real + "\0");
        int descriptor;
        fixed (byte* bytes = path)
        {
            descriptor = JailNative.OpenAt(AtCurrentDirectory, bytes, OpenFlags.PathOnly | OpenFlags.Directory | OpenFlags.CloseOnExec, 0);
        }

        if (descriptor < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == JailNative.ENOTDIR ? new StorageException(StorageErrorKind.NotADirectory) : LocalErrors.FromErrno(errno);
        }

        var prefixes = new[] { real, configured.TrimEnd('/') }
            .Select(p => p == "/" ? string.Empty : p.TrimEnd('/'))
            .Distinct(StringComparer.Ordinal)
            .Select(Encoding.UTF8.GetBytes)
            .ToArray();
        return new ConfinedRoot(new SafeFileHandle(descriptor, ownsHandle: true), prefixes, useOpenat2);
    }

    /// <summary>
    /// The root's descriptor, kept open until <see cref="Exit"/> even if the session ends meanwhile
    /// (a SafeHandle reference): every operation runs between the two.
    /// </summary>
    public int Enter()
    {
        var added = false;
        _handle.DangerousAddRef(ref added);
        return (int)_handle.DangerousGetHandle();
    }

    public void Exit() => _handle.DangerousRelease();

    /// <summary>
    /// Opens <paramref name="relativePath"/> (NUL-terminated, relative to the root; "." is the
    /// root) with open(2) <paramref name="flags"/>, symlinks followed only while they stay inside.
    /// The descriptor (close-on-exec), or minus the errno: EXDEV or ELOOP for a path that would
    /// leave the root.
    /// </summary>
    public int Open(int root, ReadOnlySpan<byte> relativePath, int flags, uint mode)
    {
        if (_useOpenat2)
        {
            var how = new OpenHow
            {
                Flags = (ulong)(flags | OpenFlags.CloseOnExec),
                Mode = (flags & OpenFlags.Create) != 0 ? mode : 0,
                Resolve = OpenHow.Beneath | OpenHow.NoMagicLinks,
            };
            int descriptor;
            fixed (byte* path = relativePath)
            {
                descriptor = JailNative.OpenAt2(root, path, &how);
            }

            if (descriptor >= 0)
            {
                return descriptor;
            }

            // EXDEV: the lookup met an absolute symlink or a way out; the walk tells which.
            // EAGAIN: openat2 saw a concurrent rename during a "..", and asks for a retry.
            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (JailNative.EXDEV or JailNative.EAGAIN or JailNative.ENOSYS))
            {
                return -errno;
            }
        }

        return ComponentWalk.Open(root, AbsolutePrefixes, relativePath, flags | OpenFlags.CloseOnExec, mode);
    }

    public void Dispose() => _handle.Dispose();

    private const int AtCurrentDirectory = -100;

    private static bool ProbeOpenat2()
    {
        var how = new OpenHow { Flags = (ulong)(OpenFlags.PathOnly | OpenFlags.CloseOnExec), Resolve = OpenHow.Beneath | OpenHow.NoMagicLinks };
        fixed (byte* path = ".\0"u8)
        {
            var descriptor = JailNative.OpenAt2(AtCurrentDirectory, path, &how);
            if (descriptor < 0)
            {
                return false;
            }

            JailNative.Close(descriptor);
            return true;
        }
    }
}
