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

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr realpath(string path, IntPtr resolvedPath);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void free(IntPtr pointer);
}
