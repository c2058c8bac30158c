namespace Ferry.Server.Security;

/// <summary>
/// Which machine accounts may use FTP at all, before any password is checked: not one listed in
/// the deny file (/etc/ftpusers), not one below the uid floor (root and system accounts). The
/// privileged helper applies it itself, since the process asking it is the untrusted side.
/// </summary>
internal static class SystemAccountPolicy
{
    public enum Verdict
    {
        Allowed,
        Unknown,
        Listed,
        BelowMinUid,
    }

    public static (Verdict Verdict, SystemAccount? Account) Check(SystemAccountOptions options, string name)
    {
        if (DenyFile.Lists(options.DenyFile, name))
        {
            return (Verdict.Listed, null);
        }

        var account = PasswdDatabase.Find(name);
        if (account is null)
        {
            return (Verdict.Unknown, null);
        }

        // uid 0 is refused whatever MinUid says (Validate keeps it at 1 or more).
        return account.Uid < (uint)Math.Max(1, options.MinUid) ? (Verdict.BelowMinUid, account) : (Verdict.Allowed, account);
    }
}
