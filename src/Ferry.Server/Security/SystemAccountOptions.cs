namespace Ferry.Server.Security;

/// <summary>
/// The rules for system-account logins, as the privileged helper receives them: taken from the
/// Server:SystemAccount* settings (<see cref="FtpServerOptions.SystemAccounts"/> and the keys
/// after it, which give each default's source), or from the helper's command line.
/// </summary>
internal sealed class SystemAccountOptions
{
    public bool Enabled { get; set; }

    public string PamService { get; set; } = "ferry";

    public int MinUid { get; set; } = 1000;

    public string DenyFile { get; set; } = "/etc/ftpusers";
}
