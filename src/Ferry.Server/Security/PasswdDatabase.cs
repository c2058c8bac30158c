using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Ferry.Server.Security;

/// <summary>
/// Looks accounts up through NSS (getpwnam_r(3), getgrouplist(3)), so /etc/passwd, LDAP or
/// systemd-homed accounts all count, as they do for login(1).
/// </summary>
internal static unsafe partial class PasswdDatabase
{
    private const int Erange = 34;

    /// <summary>The account, or null when there is none of that name.</summary>
    public static SystemAccount? Find(string name)
    {
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var size = 1024;
        while (true)
        {
            var buffer = new byte[size];
            fixed (byte* start = buffer)
            {
                Passwd entry;
                Passwd* result;
                var error = getpwnam_r(name, &entry, start, (nuint)size, &result);
                if (error == Erange && size < 1 << 20)
                {
                    size *= 4;
                    continue;
                }

                if (error != 0 || result is null)
                {
                    // ENOENT, ESRCH and friends are all "no such account" to a login.
                    return null;
                }

                return new SystemAccount(
                    Marshal.PtrToStringUTF8((IntPtr)entry.Name) ?? name,
                    entry.Uid,
                    entry.Gid,
                    Marshal.PtrToStringUTF8((IntPtr)entry.Dir) ?? "/");
            }
        }
    }

    /// <summary>Every group the account belongs to, its primary group included (for setgroups(2) before a switch).</summary>
    public static uint[] GroupsOf(SystemAccount account)
    {
        var count = 32;
        while (true)
        {
            var groups = new uint[count];
            var found = count;
            fixed (uint* start = groups)
            {
                if (getgrouplist(account.Name, account.Gid, start, &found) >= 0)
                {
                    return groups[..found];
                }
            }

            if (found <= count)
            {
                throw new Win32Exception("getgrouplist failed for " + account.Name);
            }

            count = found;
        }
    }

    // struct passwd (pwd.h) on LP64 Linux.
    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint Uid;
        public uint Gid;
        public byte* Gecos;
        public byte* Dir;
        public byte* Shell;
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int getpwnam_r(string name, Passwd* entry, byte* buffer, nuint size, Passwd** result);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int getgrouplist(string user, uint group, uint* groups, int* count);
}
