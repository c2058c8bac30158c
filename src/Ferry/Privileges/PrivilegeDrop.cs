using Ferry.Server.PrivilegeSeparation;
using Ferry.Server.Security;

namespace Ferry.Privileges;

/// <summary>
/// The root process's last privileged steps before it serves: hand Ferry's own state in the data
/// folder to RunAsUser (the SQLite store and the generated certificate are written there later),
/// then become RunAsUser for good.
/// </summary>
internal static class PrivilegeDrop
{
    // What Ferry itself creates in the data folder (SQLite WAL mode adds -wal and -shm beside the store).
    private static readonly string[] OwnEntries = ["users.db", "users.db-wal", "users.db-shm", "users.db-journal", "files"];

    public static void HandOverDataDir(string dataDir, SystemAccount account)
    {
        var full = Path.GetFullPath(dataDir);
        var info = new DirectoryInfo(full);

        // Never take over "/" or a shared sticky folder such as /tmp, even when DataDir points there.
        if (info.Parent is not null && (info.UnixFileMode & UnixFileMode.StickyBit) == 0)
        {
            ProcessIdentity.ChangeOwner(full, account.Uid, account.Gid);
        }

        foreach (var entry in OwnEntries)
        {
            var path = Path.Combine(full, entry);
            if (File.Exists(path) || Directory.Exists(path))
            {
                ProcessIdentity.ChangeOwner(path, account.Uid, account.Gid);
            }
        }

        var tls = Path.Combine(full, "tls");
        if (Directory.Exists(tls))
        {
            ProcessIdentity.ChangeOwner(tls, account.Uid, account.Gid);
            foreach (var file in Directory.EnumerateFileSystemEntries(tls, "*", SearchOption.AllDirectories))
            {
                ProcessIdentity.ChangeOwner(file, account.Uid, account.Gid);
            }
        }
    }

    public static void SwitchTo(SystemAccount account) =>
        ProcessIdentity.SwitchTo(account.Uid, account.Gid, PasswdDatabase.GroupsOf(account));

    /// <summary>
    /// After the switch: the store writes its journal beside users.db, so the folder must be
    /// writable by RunAsUser (it is not when a parent folder such as /root is closed to it).
    /// </summary>
    public static void CheckWritable(string dataDir, SystemAccount account)
    {
        var probe = Path.Combine(Path.GetFullPath(dataDir), $".ferry-write-check-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"DataDir: '{Path.GetFullPath(dataDir)}' is not writable by RunAsUser '{account.Name}' after the privilege drop ({e.Message}). Started as root, Ferry serves as RunAsUser: give it a data folder that account can reach (--data-dir /var/lib/ferry, say), or start Ferry as an ordinary user.", e);
        }
    }
}
