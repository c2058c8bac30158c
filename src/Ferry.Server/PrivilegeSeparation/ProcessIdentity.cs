using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Ferry.Server.PrivilegeSeparation;

/// <summary>
/// Who this process runs as, and the one-way switch to another account. glibc applies
/// setgroups/setgid/setuid to every thread of the process (its setxid broadcast), which is what
/// makes the switch safe in a multi-threaded runtime.
/// </summary>
internal static unsafe partial class ProcessIdentity
{
    // CAP_NET_BIND_SERVICE (linux/capability.h).
    private const int CapNetBindService = 10;

    public static bool IsRoot => geteuid() == 0;

    public static uint EffectiveUid => geteuid();

    /// <summary>Binding ports below 1024 works: root, or CAP_NET_BIND_SERVICE in the effective set (systemd's AmbientCapabilities).</summary>
    public static bool CanBindPrivilegedPorts => IsRoot || HasEffectiveCapability(CapNetBindService);

    /// <summary>
    /// Becomes <paramref name="uid"/>/<paramref name="gid"/> for good: supplementary groups first
    /// (while still allowed), then the group, then the user, as vsftpd and OpenSSH do; then proves
    /// that neither root nor group 0 can be regained.
    /// </summary>
    public static void SwitchTo(uint uid, uint gid, uint[] groups)
    {
        fixed (uint* list = groups)
        {
            Check(setgroups((nuint)groups.Length, list), "setgroups");
        }

        Check(setresgid(gid, gid, gid), "setresgid");
        Check(setresuid(uid, uid, uid), "setresuid");
        if (setuid(0) == 0 || setgid(0) == 0 || geteuid() == 0 || (getegid() == 0 && gid != 0))
        {
            throw new InvalidOperationException("privileges could be regained after the switch; refusing to serve.");
        }
    }

    /// <summary>chown(2) without following a final symlink.</summary>
    public static void ChangeOwner(string path, uint uid, uint gid) =>
        Check(lchown(path, uid, gid), "chown " + path);

    private static bool HasEffectiveCapability(int capability)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                var mask = Convert.ToUInt64(line["CapEff:".Length..].Trim(), 16);
                return (mask & (1UL << capability)) != 0;
            }
        }

        return false;
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), what + " failed");
        }
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc")]
    private static partial uint getegid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgroups(nuint size, uint* groups);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setresgid(uint real, uint effective, uint saved);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setresuid(uint real, uint effective, uint saved);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setuid(uint uid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgid(uint gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint uid, uint gid);
}
