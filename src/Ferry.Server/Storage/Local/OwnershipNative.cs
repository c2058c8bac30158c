using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>fchmod(2) and fchown(2): the mode and owner of what a user creates, set on the descriptor itself, never a path.</summary>
internal static partial class OwnershipNative
{
    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int ChangeMode(int descriptor, uint mode);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    public static partial int ChangeOwner(int descriptor, int uid, int gid);
}
