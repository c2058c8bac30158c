using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>fgetxattr(2) and fsetxattr(2): extended attributes of an open descriptor, so the file changed is the one that was confined, never a path looked up again.</summary>
internal static unsafe partial class ExtendedAttributesNative
{
    /// <summary>ENODATA: the file has no such attribute.</summary>
    public const int NoData = 61;

    /// <summary>The size of a value read back; a kept checksum is far smaller.</summary>
    public const int MaxValueLength = 256;

    [LibraryImport("libc", EntryPoint = "fgetxattr", SetLastError = true)]
    public static partial nint Get(int descriptor, byte* name, byte* value, nuint size);

    [LibraryImport("libc", EntryPoint = "fsetxattr", SetLastError = true)]
    public static partial int Set(int descriptor, byte* name, byte* value, nuint size, int flags);
}
