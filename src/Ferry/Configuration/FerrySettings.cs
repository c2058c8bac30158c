using Ferry.Server;
using Microsoft.Extensions.Logging;

namespace Ferry.Configuration;

/// <summary>The whole configuration file: the engine's options under "Server", and the host's own keys.</summary>
internal sealed class FerrySettings
{
    /// <summary>Holds the user store and all other state; relative paths are from the working directory.</summary>
    public string DataDir { get; set; } = "./ferry-data";

    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>Log format, log file and xferlog (the level is <see cref="LogLevel"/>).</summary>
    public LoggingSettings Logging { get; set; } = new();

    /// <summary>
    /// Started as root, Ferry binds what needs root through a small privileged helper and serves
    /// as this account. "nobody" is vsftpd's default nopriv_user and exists on every Linux, so a
    /// root start works out of the box; since other daemons may run as nobody too, a warning says
    /// to use a dedicated account ("ferry", as Debian packages create for their daemons).
    /// Ignored when not started as root.
    /// </summary>
    public string RunAsUser { get; set; } = SharedUnprivilegedAccount;

    /// <summary>The account many daemons share (vsftpd's nopriv_user default).</summary>
    public const string SharedUnprivilegedAccount = "nobody";

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(RunAsUser) || RunAsUser == "root")
        {
            yield return $"RunAsUser: '{RunAsUser}' must name an unprivileged account (the process that talks to clients never runs as root).";
        }

        foreach (var problem in Logging.Validate())
        {
            yield return problem;
        }

        foreach (var error in Operations.Validate())
        {
            yield return "Operations:" + error;
        }

        foreach (var error in Hooks.Validate())
        {
            yield return error;
        }

        foreach (var error in Admin.Validate())
        {
            yield return "Admin:" + error;
        }

        foreach (var error in Storage.Validate())
        {
            yield return "Storage:" + error;
        }

        // Admin passwords, cookies and tokens never cross a network in clear text (issue 15). Without
        // AllowRemote a non-loopback Listen is refused already (one line is enough).
        if (Admin.Enabled && Operations.AllowRemote && !Operations.Tls && Operations.ListenEndPoint is { } endPoint && !System.Net.IPAddress.IsLoopback(endPoint.Address))
        {
            yield return $"Operations:Tls: 'false' must be true when Operations:Listen '{Operations.Listen}' is not a loopback address and the admin API is on "
                + "(Admin:Enabled): admin passwords and tokens would cross the network in clear text. Set Operations:Tls to true (HTTPS with the FTP server's certificate), or Admin:Enabled to false.";
        }
    }

    public FtpServerOptions Server { get; set; } = new();

    /// <summary>Monitoring: the operations HTTP listener (/metrics, /healthz, /readyz) and OpenTelemetry export; all off by default.</summary>
    public OperationsSettings Operations { get; set; } = new();

    /// <summary>Event hooks: commands and webhooks on uploads, logins, bans, ...; veto hooks for uploads. None by default.</summary>
    public Hooks.HooksSettings Hooks { get; set; } = new();

    /// <summary>The admin REST API, web page and local socket (issue 15); on by default, every route behind a login.</summary>
    public AdminSettings Admin { get; set; } = new();

    /// <summary>Storage besides the local disk: S3 profiles users can be given (issue 16); none by default.</summary>
    public StorageSettings Storage { get; set; } = new();
}
