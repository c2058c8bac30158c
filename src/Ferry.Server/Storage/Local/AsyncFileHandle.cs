using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// Marks a descriptor Ferry opened itself (openat2) as "opened for asynchronous I/O", which on
/// Linux means nothing to the kernel but is what SendPacketsElement demands of a FileStream before
/// it will sendfile(2) from it. .NET sets the flag only in its own File.OpenHandle, by path, which
/// would open the file a second time outside the confinement; so the flag is set through the
/// runtime's private setter. Should a future runtime lose it, the stream stays synchronous and
/// downloads take the copy loop (<see cref="TryMark"/> says so), never fail.
/// </summary>
internal static class AsyncFileHandle
{
    private static readonly bool Supported = Probe();

    /// <summary>True when <paramref name="handle"/> now reports IsAsync.</summary>
    public static bool TryMark(SafeFileHandle handle)
    {
        if (Supported)
        {
            SetIsAsync(handle, true);
        }

        return handle.IsAsync;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_IsAsync")]
    private static extern void SetIsAsync(SafeFileHandle handle, bool value);

    private static bool Probe()
    {
        using var unused = new SafeFileHandle();
        try
        {
            SetIsAsync(unused, true);
            return unused.IsAsync;
        }
        catch (MissingMethodException)
        {
            return false;
        }
    }
}
