namespace Ferry.Hosting;

/// <summary>
/// The data folder holds the user store (password hashes) and the generated TLS key, so it is
/// the owner's alone: the folder 0700 and the store 0600, as OpenSSH keeps ~/.ssh and its keys
/// (issue 12: users.db was 0644 in a 0755 folder, readable by every local user). They are created
/// so, and checked whenever the store is opened: tightened when this process may (it owns them, or
/// it is root), otherwise one warning line per path naming its mode and the fix. Started as root,
/// the folder and the store are then handed to RunAsUser (PrivilegeDrop.HandOverDataDir), so the
/// serving account still opens them after the drop.
/// </summary>
internal static class DataFolderProtection
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates the data folder (0700) and an empty store file (0600; SQLite takes an empty file for an
    /// empty database, and gives its -wal and -shm files the store's mode) when missing, then checks
    /// both; returns the warnings to print, one line each.
    /// </summary>
    public static IReadOnlyList<string> Prepare(string dataDir, string storePath)
    {
        var folder = Path.GetFullPath(dataDir);
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, FolderMode);
        }

        if (!File.Exists(storePath))
        {
            try
            {
                using var created = new FileStream(storePath, new FileStreamOptions
                {
                    Mode = System.IO.FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = FileMode,
                });
            }
            catch (IOException) when (File.Exists(storePath))
            {
                // Another `ferry` command created it meanwhile; checked below like any other.
            }
        }

        List<string> warnings = [];
        var info = new DirectoryInfo(folder);

        // Never tighten "/" or a shared sticky folder such as /tmp, even when DataDir points there.
        if (info.Parent is not null && (info.UnixFileMode & UnixFileMode.StickyBit) == 0)
        {
            Tighten(folder, info.UnixFileMode, FolderMode, "chmod 700", warnings);
        }

        foreach (var suffix in (string[])["", "-wal", "-shm", "-journal"])
        {
            var file = new FileInfo(storePath + suffix);
            if (file.Exists)
            {
                Tighten(file.FullName, file.UnixFileMode, FileMode, "chmod 600", warnings);
            }
        }

        return warnings;
    }

    private static void Tighten(string path, UnixFileMode mode, UnixFileMode tight, string fix, List<string> warnings)
    {
        if ((mode & GroupAndOthers) == 0)
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(path, (mode & ~GroupAndOthers) | tight);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            warnings.Add($"warning: {path} is mode {Octal(mode)}, open to other local users, and this account cannot change it; run: {fix} {path}");
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
