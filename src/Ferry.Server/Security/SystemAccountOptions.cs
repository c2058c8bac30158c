namespace Ferry.Server.Security;

/// <summary>
/// Logins of the machine's own accounts through PAM (Linux), each jailed in its home directory.
/// Off by default. The PAM check runs in the privileged helper, so it needs Ferry started as root.
/// </summary>
public sealed class SystemAccountOptions
{
    /// <summary>Off by default: a file server should not open every shell account to FTP unasked (vsftpd's local_enable=NO upstream).</summary>
    public bool Enabled { get; set; }

    /// <summary>The PAM service, i.e. /etc/pam.d/ferry (packaging/pam.d/ferry); when that file is missing PAM uses /etc/pam.d/other, which on Debian includes common-auth and common-account. vsftpd's pam_service_name is "vsftpd".</summary>
    public string PamService { get; set; } = "ferry";

    /// <summary>Accounts with a lower uid are refused: 1000 is Debian's UID_MIN (/etc/login.defs), below it are root and system accounts.</summary>
    public int MinUid { get; set; } = 1000;

    /// <summary>Names listed here (one per line, # comments) are refused: /etc/ftpusers, the file vsftpd, ProFTPD and Pure-FTPd read. A missing file lists nobody.</summary>
    public string DenyFile { get; set; } = "/etc/ftpusers";

    /// <summary>System accounts may list and download only (false: everything, like store accounts by default).</summary>
    public bool ReadOnly { get; set; }

    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(PamService) || PamService.Contains('/', StringComparison.Ordinal))
        {
            yield return $"SystemAccounts:PamService: '{PamService}' must be a PAM service name (a file name in /etc/pam.d).";
        }

        if (MinUid < 1)
        {
            yield return $"SystemAccounts:MinUid: {MinUid} must be 1 or more (uid 0, root, never logs in).";
        }

        if (string.IsNullOrWhiteSpace(DenyFile) || !Path.IsPathRooted(DenyFile))
        {
            yield return $"SystemAccounts:DenyFile: '{DenyFile}' must be an absolute path.";
        }
    }
}
