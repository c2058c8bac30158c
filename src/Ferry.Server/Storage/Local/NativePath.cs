using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// libc's realpath(3), used once per session for the root's own canonical path: an absolute
/// symlink inside a home is followed only when its target starts with it (<see cref="ComponentWalk"/>).
/// The comparison only decides where the walk goes on from; what it reaches is still opened
/// handle by handle below the root, never admitted by a string check (the classic escape bug).
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
