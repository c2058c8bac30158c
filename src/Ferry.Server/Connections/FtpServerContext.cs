using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;
using Ferry.Server.Quotas;
using Ferry.Server.Security;
using Ferry.Server.Security.Tls;
using Ferry.Server.Storage;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Connections;

/// <summary>What every connection of one server shares.</summary>
internal sealed class FtpServerContext
{
    public FtpServerContext(
        FtpServerOptions options,
        Authenticator authenticator,
        IFileSystemFactory fileSystemFactory,
        TimeProvider time,
        ILogger logger,
        TlsCertificateProvider? certificates)
    {
        Certificates = certificates;
        Options = options;
        Authenticator = authenticator;
        Quotas = new QuotaRegistry(options, time, logger);
        FileSystemFactory = new QuotaFileSystemFactory(fileSystemFactory, Quotas);
        Time = time;
        Logger = logger;
        RateLimits = new RateLimitRegistry(options, time);
        PassivePorts = new PassivePortPool(options.ParsedPassivePorts);
        Metrics = new FerryMetrics(() => (Admission!.Sessions, Admission.UnauthenticatedSessions), PassivePorts);
        SessionReuse = new SessionReuseGuard(options);
        SessionsPerUser = new SessionCounter<string>();
        Bans = new AddressBans(options, time, logger, Metrics);
        Admission = new AdmissionControl(options, Bans.Key);
        PassiveListeners = new PassiveListenerBudget(options.MaxPassiveListenersPerAddress, Bans.Key);
        Logins = new LoginDefences(options, Bans, authenticator, time, logger);
        DirectoryPermissions = Security.DirectoryPermissions.Create(options.DirectoryPermissions);
    }

    /// <summary>The settings new sessions start with; a reload replaces them (see <see cref="Reconfigure"/>).</summary>
    public FtpServerOptions Options { get; private set; }

    /// <summary>
    /// A reload: every part that reads settings takes the new ones for what comes next (connections,
    /// logins, transfers); what is counted (sessions, bans, failures, quota usage) stays, and
    /// running sessions keep the settings they started with.
    /// </summary>
    public void Reconfigure(FtpServerOptions options)
    {
        Bans.Reconfigure(options);
        Admission.Reconfigure(options);
        RateLimits.Reconfigure(options);
        SessionReuse.Reconfigure(options);
        Logins.Reconfigure(options);
        Quotas.Reconfigure(options);
        DirectoryPermissions = Security.DirectoryPermissions.Create(options.DirectoryPermissions);
        Options = options;
    }

    public Authenticator Authenticator { get; }

    /// <summary>Every login's backend, under its user's quota when one applies.</summary>
    public IFileSystemFactory FileSystemFactory { get; }

    /// <summary>Quota usage per user, shared by the user's sessions.</summary>
    public QuotaRegistry Quotas { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>Transfer-rate limits: the server-wide buckets and the per-user ones.</summary>
    public RateLimitRegistry RateLimits { get; }

    public PassivePortPool PassivePorts { get; }

    public SessionReuseGuard SessionReuse { get; }

    /// <summary>Logged-in sessions per user name (MaxSessionsPerUser).</summary>
    public SessionCounter<string> SessionsPerUser { get; }

    /// <summary>Addresses banned after repeated failed logins.</summary>
    public AddressBans Bans { get; }

    /// <summary>The session budgets checked at connect and moved at login (MaxSessions and the not-logged-in budget).</summary>
    public AdmissionControl Admission { get; }

    /// <summary>Passive listeners not yet used by a transfer, per client network (MaxPassiveListenersPerAddress).</summary>
    public PassiveListenerBudget PassiveListeners { get; }
    /// <summary>What a password goes through before and after its check: per-address turns, per-account throttling, the fast lane.</summary>
    public LoginDefences Logins { get; }

    /// <summary>Server:DirectoryPermissions, compiled once.</summary>
    public DirectoryPermissions DirectoryPermissions { get; private set; }

    /// <summary>Binds what the process may not (port 20 for active mode); null: the process binds itself.</summary>
    public IPrivilegedSocketSource? SocketSource { get; init; }

    /// <summary>Set when the server is stopping: no new transfer starts (a graceful stop lets running ones end).</summary>
    public bool Draining { get; set; }

    /// <summary>Where finished transfers, audited operations, logins, bans and session ends are reported (xferlog, audit log, hooks).</summary>
    public ServerEvents Events
    {
        get => _events;
        set
        {
            _events = value;
            Bans.Banned = value.IsEmpty ? null : ban => value.AddressBanned(ban);
        }
    }

    private ServerEvents _events = new();

    /// <summary>What an upload must pass before it starts and before it commits (a pre-upload hook); null: nothing.</summary>
    public IUploadPolicy? UploadPolicy { get; set; }

    /// <summary>The server's meter and instruments (FerryMetrics): recorded at session, login, transfer and TLS events.</summary>
    public FerryMetrics Metrics { get; }

    /// <summary>Null when the server offers no TLS at all.</summary>
    public TlsCertificateProvider? Certificates { get; }
}
