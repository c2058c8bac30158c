using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// libc's realpath(3): the canonical path with every symlink and ".." resolved by the kernel's
/// own rules, which is what confinement must compare (a string join with a prefix check is the
/// classic escape bug).
/// </summary>
internal static partial class NativePath
{
    /// <summary>Null when the path (or an ancestor) does not exist or cannot be resolved.</summary>
    public static string? RealPath(string path)
    {
        var resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            free(resolved);
        }
    }

    /// <summary>
    /// The same for a path given as bytes, so a listed name that is not UTF-8 is resolved as it
    /// is on disk; <paramref name="nulTerminatedPath"/> must end with a NUL byte.
    /// </summary>
    public static unsafe string? RealPath(ReadOnlySpan<byte> nulTerminatedPath)
    {
        if (nulTerminatedPath.IsEmpty || nulTerminatedPath[^1] != 0)
        {
            throw new ArgumentException("The path must end with a NUL byte.", nameof(nulTerminatedPath));
        }

        IntPtr resolved;
        fixed (byte* path = nulTerminatedPath)
        {
            resolved = realpath(path, IntPtr.Zero);
        }

        if (resolved == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            free(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr realpath(string path, IntPtr resolvedPath);

    [LibraryImport("libc", EntryPoint = "realpath")]
    private static unsafe partial IntPtr realpath(byte* path, IntPtr resolvedPath);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void free(IntPtr pointer);
}
