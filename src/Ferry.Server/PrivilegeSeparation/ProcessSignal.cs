using System.Runtime.InteropServices;

namespace Ferry.Server.PrivilegeSeparation;

/// <summary>kill(2), for `ferry reload`: .NET can only send SIGKILL to another process.</summary>
internal static partial class ProcessSignal
{
    private const int SigHup = 1;

    /// <summary>Sends SIGHUP to <paramref name="processId"/>; the errno when it could not (ESRCH: no such process, EPERM: not ours).</summary>
    public static int? SendHangUp(int processId) => Kill(processId, SigHup) == 0 ? null : Marshal.GetLastPInvokeError();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
