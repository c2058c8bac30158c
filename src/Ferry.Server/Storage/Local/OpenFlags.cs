using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// open(2) flags as the kernel defines them for 64-bit Linux. O_DIRECTORY and O_NOFOLLOW differ
/// between x86-64 (asm-generic/fcntl.h) and arm64 (arch/arm64/include/uapi/asm/fcntl.h), so they
/// are chosen by the running architecture; openat2(2) refuses flags it does not know (EINVAL).
/// </summary>
internal static class OpenFlags
{
    public const int ReadOnly = 0x0;
    public const int WriteOnly = 0x1;
    public const int Create = 0x40;
    public const int Exclusive = 0x80;
    public const int NoControllingTerminal = 0x100;

    /// <summary>O_NONBLOCK: ignored for regular files, but a FIFO planted in a home cannot make the open hang.</summary>
    public const int NonBlocking = 0x800;

    public const int CloseOnExec = 0x80000;

    /// <summary>O_PATH: a handle to a location only (no read or write), allowed without read permission.</summary>
    public const int PathOnly = 0x200000;

    public static readonly int Directory = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    public static readonly int NoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;
}
