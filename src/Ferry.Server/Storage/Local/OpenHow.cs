using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>struct open_how (linux/openat2.h): what openat2(2) takes instead of open's flags and mode.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OpenHow
{
    /// <summary>RESOLVE_NO_MAGICLINKS: no /proc/self/fd-style links, which lead anywhere.</summary>
    public const ulong NoMagicLinks = 0x02;

    /// <summary>RESOLVE_BENEATH: every step of the lookup, ".." and symlinks included, stays below the directory handle (else EXDEV).</summary>
    public const ulong Beneath = 0x08;

    public ulong Flags;
    public ulong Mode;
    public ulong Resolve;
}
