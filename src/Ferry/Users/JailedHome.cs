namespace Ferry.Users;

/// <summary>
/// A home directory from a passwd-style file, turned into Ferry's jail. vsftpd
/// (passwd_chroot_enable) and Pure-FTPd (README.Virtual-Users) read "/./" in a home as "the jail
/// is here": <c>/srv/ftp/./joe</c> chroots at <c>/srv/ftp</c> and starts in <c>/joe</c>;
/// <c>/home/joe/./</c> chroots at <c>/home/joe</c>. Ferry has no start folder apart from the root,
/// so the part before "/./" becomes the home and the rest is dropped. A home without "/./" is
/// jailed at itself: Ferry jails every user, so a Pure-FTPd account made with `pure-pw -D`
/// (whole file system) is narrowed to its home.
/// </summary>
internal static class JailedHome
{
    /// <summary>
    /// The jail root, absolute and normalised; null when the field is not an absolute path, or
    /// when the jail would be "/" (the whole file system: never what a migration means).
    /// </summary>
    public static string? FromHomeField(string home)
    {
        if (home.Length == 0 || home[0] != '/' || home.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var marker = home.IndexOf("/./", StringComparison.Ordinal);
        var jail = marker < 0 ? home : home[..marker];
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(jail.Length == 0 ? "/" : jail));
        return root == "/" ? null : root;
    }
}
