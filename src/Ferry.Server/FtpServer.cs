using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ferry.Server.Connections;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Security.Tls;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Server;

/// <summary>
/// The FTP server: binds the control port, accepts connections and runs one
/// <see cref="FtpConnection"/> per client until <see cref="StopAsync"/>.
/// </summary>
public sealed class FtpServer : IAsyncDisposable
{
    /// <summary>How long a session gets at shutdown to end its transfer and read its 421.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>After the grace, how long the sessions whose sockets were closed get to release the rest.</summary>
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <see cref="StopAsync"/> returns within this (plus the accept loops' end, which is immediate):
    /// sessions get <see cref="ShutdownGrace"/> for their 421, then their sockets are closed, whatever
    /// they are doing, and <see cref="AbortGrace"/> to clean up. A session that is still listed then
    /// is left behind rather than holding the stop up (issue 11 finding 1: one leaked connection
    /// kept SIGTERM waiting for ever).
    /// </summary>
    public static TimeSpan StopDeadline => ShutdownGrace + AbortGrace;

    private readonly FtpServerContext _context;
    private readonly ConcurrentDictionary<long, FtpConnection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _listener;
    private Socket? _implicitTlsListener;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _implicitTlsAcceptLoop = Task.CompletedTask;
    private long _nextId;
    private readonly AcceptFailureGuard _acceptFailures;
    private readonly LocalFileSystemFactory? _localFiles;

    /// <summary>
    /// Settings read once at start, which a reload cannot change: the listening sockets, the
    /// passive port pool, and what the privileged helper was set up for. A reload that changes one
    /// keeps the running value and says so.
    /// </summary>
    private static readonly string[] RestartOnlySettings =
    [
        nameof(FtpServerOptions.ListenAddress), nameof(FtpServerOptions.Port), nameof(FtpServerOptions.ImplicitTls),
        nameof(FtpServerOptions.ImplicitTlsPort), nameof(FtpServerOptions.PassivePorts), nameof(FtpServerOptions.MaxPassiveListenersPerAddress),
        nameof(FtpServerOptions.SystemAccounts), nameof(FtpServerOptions.SystemAccountReadOnly), nameof(FtpServerOptions.SystemAccountPamService),
        nameof(FtpServerOptions.SystemAccountMinUid), nameof(FtpServerOptions.SystemAccountDenyFile), nameof(FtpServerOptions.VerifiedLoginCacheTime),
        nameof(FtpServerOptions.ActiveModeSourcePort20),
    ];

    public FtpServer(
        FtpServerOptions options,
        IUserStore users,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? time = null,
        IFileSystemFactory? fileSystemFactory = null,
        TlsCertificateProvider? certificates = null,
        IPrivilegedSocketSource? socketSource = null,
        ISystemAccountVerifier? systemAccounts = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        _context = new FtpServerContext(
            options,
            new Authenticator(
                users,
                options.SystemAccounts ? systemAccounts : null,
                options.SystemAccountReadOnly ? UserPermissions.ReadOnly : UserPermissions.All,
                options.VerifiedLoginCacheTime,
                time),
            fileSystemFactory ?? (_localFiles = new LocalFileSystemFactory(options, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Ferry"))),
            time ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Ferry"),
            certificates)
        {
            SocketSource = socketSource,
        };
        // The real clock: the back-off must pass even in tests that run sessions on a fake one.
        _acceptFailures = new AcceptFailureGuard(_context.Logger, TimeProvider.System);
        if (options.ImplicitTls && certificates is null)
        {
            throw new ArgumentException("ImplicitTls needs a certificate provider.", nameof(certificates));
        }
    }

    /// <summary>Who hears of every finished transfer and audited operation (the host's xferlog and audit log).</summary>
    internal IReadOnlyList<IServerEventSink> EventSinks
    {
        init => _context.Events = new ServerEvents(value);
    }

    /// <summary>What every upload must pass before it starts and before it commits (a pre-upload hook).</summary>
    internal IUploadPolicy? UploadPolicy
    {
        init => _context.UploadPolicy = value;
    }

    /// <summary>When <see cref="StartAsync"/> began listening; null before.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>Every session now, oldest first: copies, for the admin API and `ferry who`.</summary>
    public IReadOnlyList<Administration.SessionSnapshot> ListSessions() =>
        [.. _connections.Values.OrderBy(connection => connection.Id).Select(connection => connection.Snapshot())];

    /// <summary>
    /// Disconnects session <paramref name="sessionId"/> (a running transfer ends with 426, then 421);
    /// false when there is no such session. Returns once the client has been told, or after a few
    /// seconds when it reads nothing.
    /// </summary>
    public async Task<bool> DisconnectAsync(long sessionId)
    {
        if (!_connections.TryGetValue(sessionId, out var connection))
        {
            return false;
        }

        await connection.DisconnectByAdministratorAsync();
        return true;
    }

    /// <summary>Disconnects every session of user <paramref name="userName"/>; returns how many there were.</summary>
    public async Task<int> DisconnectUserAsync(string userName)
    {
        var sessions = _connections.Values.Where(connection => connection.Session.User?.Name == userName).ToList();
        await Task.WhenAll(sessions.Select(connection => connection.DisconnectByAdministratorAsync()));
        return sessions.Count;
    }

    /// <summary>The bans in force now (earned by failed logins, or set by an administrator).</summary>
    public IReadOnlyList<Administration.BanSnapshot> ListBans() => _context.Bans.List();

    /// <summary>The longest ban an administrator can set: ten years, "for good" without overflowing a date.</summary>
    public static readonly TimeSpan MaxBanDuration = TimeSpan.FromDays(3650);

    /// <summary>
    /// Bans <paramref name="address"/> (its IPv6 network, per BanIPv6PrefixLength) for
    /// <paramref name="duration"/>, allow-list or not, and disconnects its sessions now: new
    /// connections and logins from it get 421 until then.
    /// </summary>
    public async Task<Administration.BanSnapshot> BanAsync(IPAddress address, TimeSpan duration, string reason)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, MaxBanDuration);
        var ban = _context.Bans.Ban(address, _context.Time.GetUtcNow() + duration, reason);
        var key = _context.Bans.Key(address);
        var sessions = _connections.Values.Where(connection => _context.Bans.Key(connection.RemoteAddress).Equals(key)).ToList();
        await Task.WhenAll(sessions.Select(connection => connection.DisconnectByAdministratorAsync()));
        return ban;
    }

    /// <summary>True while <paramref name="address"/> is banned (by failed logins or an administrator): the admin API refuses it too.</summary>
    public bool IsBanned(IPAddress address) => _context.Bans.IsBanned(address, out _);

    /// <summary>
    /// A failed login somewhere else than FTP (the admin API) counts toward the same ban as a
    /// wrong FTP password (BanFailedLogins within BanWindow). Returns when the ban it caused
    /// ends, or null when it caused none; a ban is logged as FTP's are (event 1006, for fail2ban).
    /// </summary>
    public DateTimeOffset? RecordFailedLogin(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var until = _context.Bans.RecordFailure(address);
        if (until is { } end)
        {
            var options = _context.Options;
            FerryLog.AddressBanned(_context.Logger, AddressRules.Normalize(address), _context.Bans.Describe(address), end, options.BanFailedLogins, options.BanWindow);
        }

        return until;
    }

    /// <summary>Lifts the ban on <paramref name="address"/> (its network) and forgets its failed logins; false when it was not banned.</summary>
    public bool LiftBan(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _context.Bans.Lift(address);
    }

    /// <summary>The settings new sessions get (the last reload's, or the start's).</summary>
    public FtpServerOptions Options => _context.Options;

    /// <summary>The certificate provider (null without TLS): its certificate's validity is a readiness check.</summary>
    public TlsCertificateProvider? Certificates => _context.Certificates;

    /// <summary>
    /// A reload: <paramref name="next"/> (already validated) becomes the settings of every session
    /// that starts from now on, while running sessions and transfers keep theirs. The certificate
    /// is read again first; if it does not load, nothing changes and the exception says why.
    /// Settings that need a restart keep their running values: their names are returned.
    /// </summary>
    public IReadOnlyList<string> Reconfigure(FtpServerOptions next, string stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(next);
        var errors = next.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(next));
        }

        var current = _context.Options;
        var kept = new List<string>();
        foreach (var name in RestartOnlySettings)
        {
            var property = typeof(FtpServerOptions).GetProperty(name)!;
            var running = property.GetValue(current);
            if (System.Text.Json.JsonSerializer.Serialize(running) != System.Text.Json.JsonSerializer.Serialize(property.GetValue(next)))
            {
                property.SetValue(next, running);
                kept.Add(name);
            }
        }

        if (_context.Certificates?.Reload(next.CertificateFile, next.CertificateKeyFile, next.CertificatePassword, stateDirectory) is { } unreadable)
        {
            FerryLog.CertificateKeptUnreadable(_context.Logger, next.CertificateFile, unreadable);
        }

        _localFiles?.Reconfigure(next);
        _context.Reconfigure(next);
        return kept;
    }

    /// <summary>Sessions with a transfer running now (a graceful stop waits for them).</summary>
    public int TransfersRunning => _connections.Values.Count(connection => connection.CurrentTransfer is not null);

    /// <summary>Where the server listens (the real port when the configured one was 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("The server is not started."));

    /// <summary>Where implicit FTPS listens; null when it is off.</summary>
    public IPEndPoint? ImplicitTlsEndPoint => (IPEndPoint?)_implicitTlsListener?.LocalEndPoint;

    /// <summary>
    /// Since when accepting connections fails (typically out of file descriptors), or null while
    /// it works: a health signal. Meanwhile waiting clients get 421 (see AcceptFailureGuard).
    /// </summary>
    public DateTimeOffset? AcceptStarvedSince => _acceptFailures.StarvedSince;

    /// <summary>Connections answered 421 since the start because the server had no file descriptor for them.</summary>
    public long AcceptStarvedRefusals => _acceptFailures.RefusedTotal;

    /// <summary>Sessions counted against MaxSessions: from accept until every resource of the session is released.</summary>
    public int ActiveSessions => _context.Admission.Sessions;

    /// <summary>Started and not stopping: the accept loops run (health: "listening").</summary>
    public bool IsAccepting => _listener is not null && !_stopping.IsCancellationRequested;

    /// <summary>The passive listeners open and the range's size (health: "passive ports").</summary>
    internal PassivePortPool PassivePorts => _context.PassivePorts;

    /// <summary>This server's meter "Ferry" and its instruments.</summary>
    internal FerryMetrics Metrics => _context.Metrics;

    /// <summary>
    /// Binds (itself, or through the injected <see cref="IPrivilegedSocketSource"/>) and starts
    /// accepting. A port in use throws <see cref="SocketException"/> (AddressAlreadyInUse).
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var options = _context.Options;
        EphemeralPortOverlap.WarnIfOverlapping(options.ParsedPassivePorts, _context.Logger);
        StartSessionReuseCheck();
        _listener = await ListenAsync(options.ParsedListenAddress, options.Port, cancellationToken);
        if (options.ImplicitTls)
        {
            try
            {
                _implicitTlsListener = await ListenAsync(options.ParsedListenAddress, options.ImplicitTlsPort, cancellationToken);
            }
            catch
            {
                _listener.Dispose();
                throw;
            }

            _implicitTlsAcceptLoop = AcceptLoopAsync(_implicitTlsListener, implicitTls: true);
        }

        _acceptLoop = AcceptLoopAsync(_listener, implicitTls: false);
        StartedAt = _context.Time.GetUtcNow();
    }

    /// <summary>
    /// The data-connection session-reuse check rests on runtime internals, so it is proven at
    /// every start (and warmed up again after a certificate renewal). If it does not work, Required
    /// refuses to start rather than pretend, and the other policies go on unchecked, with a warning.
    /// </summary>
    private void StartSessionReuseCheck()
    {
        // Run even when the policy is Off: the warm-up also sets up how TLS 1.3 tickets are sent.
        var certificates = _context.Certificates;
        if (certificates is null)
        {
            return;
        }

        var failure = TlsSessionSelfTest.Run(certificates.CreateServerOptions());
        _context.SessionReuse.Available = failure is null;
        if (failure is not null)
        {
            FerryLog.SessionReuseSelfTestFailed(_context.Logger, failure);
            if (_context.Options.DataTlsSessionReuse == SessionReusePolicy.Required)
            {
                throw new InvalidOperationException($"DataTlsSessionReuse is Required, but the TLS session check does not work on this runtime: {failure}.");
            }

            return;
        }

        FerryLog.SessionReuseSelfTestPassed(_context.Logger);
        certificates.Reloaded = reloaded => TlsSessionSelfTest.Run(reloaded);
    }

    private async Task<Socket> ListenAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        var listener = _context.SocketSource is { } source
            ? await source.BindAsync(new IPEndPoint(address, port), cancellationToken)
            : BindDirectly(address, port);
        try
        {
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        FerryLog.Listening(_context.Logger, listener.LocalEndPoint!);
        return listener;
    }

    private static Socket BindDirectly(IPAddress address, int port) => TcpBinding.Bind(new IPEndPoint(address, port));

    /// <summary>Stops accepting, tells every session 421, ends their transfers and waits for them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener?.Dispose();
        _implicitTlsListener?.Dispose();
        await _acceptLoop;
        await _implicitTlsAcceptLoop;
        await DrainTransfersAsync(cancellationToken);
        var graceEnds = DateTime.UtcNow + ShutdownGrace;
        var closing = _connections.Values.Select(connection => connection.ShutdownAsync(ShuttingDown, ShutdownGrace));
        await Task.WhenAll(closing).WaitAsync(ShutdownGrace, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (await AllClosedByAsync(graceEnds, cancellationToken))
        {
            return;
        }

        FerryLog.StopAbortingSessions(_context.Logger, _connections.Count, ShutdownGrace);
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
        }

        await AllClosedByAsync(DateTime.UtcNow + AbortGrace, cancellationToken);
    }

    /// <summary>
    /// Graceful stop, first part: no new transfer starts (TransferRunner answers 421), sessions
    /// with nothing running hear 421 now, and running transfers get ShutdownDrainTimeout to end.
    /// </summary>
    private async Task DrainTransfersAsync(CancellationToken cancellationToken)
    {
        _context.Draining = true;
        var drain = _context.Options.ShutdownDrainTimeout;
        var running = TransfersRunning;
        if (drain <= TimeSpan.Zero || running == 0)
        {
            return;
        }

        FerryLog.StopWaitingForTransfers(_context.Logger, running, drain.TotalSeconds);
        foreach (var idle in _connections.Values.Where(connection => connection.CurrentTransfer is null))
        {
            _ = idle.ShutdownAsync(ShuttingDown, ShutdownGrace);
        }

        var deadline = DateTime.UtcNow + drain;
        while (TransfersRunning > 0 && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        FerryLog.StopDrained(_context.Logger, running - TransfersRunning, TransfersRunning);
    }

    private const string ShuttingDown = "Server shutting down.";

    private async Task<bool> AllClosedByAsync(DateTime deadline, CancellationToken cancellationToken)
    {
        while (!_connections.IsEmpty && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return _connections.IsEmpty;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await StopAsync(timeout.Token);
        _stopping.Dispose();
        _acceptFailures.Dispose();
        _context.Metrics.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener, bool implicitTls)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // One failed accept must not stop the server, nor spin it (see AcceptFailureGuard).
                await _acceptFailures.OnFailedAsync(listener, e, implicitTls, _stopping.Token);
                continue;
            }

            _acceptFailures.OnAccepted();

            socket.NoDelay = true;
            try
            {
                // Clients send ABOR (or IAC DM) as TCP urgent data (RFC 959 §4.1.3; Python's
                // ftplib does): inline, so the byte stays in the command stream instead of being
                // pulled out and leaving "ABOR\r" without its line end.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.OutOfBandInline, true);
            }
            catch (SocketException)
            {
                socket.Dispose();
                continue;
            }

            // Limits are checked before any work is done for the client (no TLS, no session).
            IPAddress address;
            try
            {
                address = AddressRules.Normalize(((IPEndPoint)socket.RemoteEndPoint!).Address);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Gone before we could look at it.
                socket.Dispose();
                continue;
            }

            if (_context.Bans.IsBanned(address, out var bannedUntil, out var manual))
            {
                FerryLog.BannedConnectionRefused(_context.Logger, address);
                _ = RefuseAsync(socket, implicitTls, BanText(bannedUntil, manual));
                continue;
            }

            // MaxSessions, per address, and the smaller budget of connections not logged in yet.
            if (!_context.Admission.TryAdmit(address, out var admission, out var refusal))
            {
                FerryLog.ConnectionRefused(_context.Logger, address, refusal);
                _ = RefuseAsync(socket, implicitTls, refusal);
                continue;
            }

            _ = RunCountedConnectionAsync(socket, implicitTls, admission);
        }
    }

    private async Task RunCountedConnectionAsync(Socket socket, bool implicitTls, AdmissionTicket admission)
    {
        try
        {
            await RunConnectionAsync(socket, implicitTls, admission);
        }
        finally
        {
            admission.Dispose();
        }
    }

    /// <summary>The 421 text for a banned client: why, and when to come back.</summary>
    /// <summary>The login checker this server uses (its counters are read by tests and, later, metrics).</summary>
    public Authenticator Authenticator => _context.Authenticator;

    internal static string BanText(DateTimeOffset until, bool manual = false) => manual
        ? $"Your address is banned by the server administrator until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC."
        : $"Too many failed logins from your address; refused until {until.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.";

    /// <summary>421 and close, for a client over a limit (on the implicit FTPS port: just close, since no TLS was spoken).</summary>
    private static async Task RefuseAsync(Socket socket, bool implicitTls, string text)
    {
        try
        {
            if (!implicitTls)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes("421 " + text + "\r\n"), SocketFlags.None, timeout.Token);
            }

            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    private async Task RunConnectionAsync(Socket socket, bool implicitTls, AdmissionTicket admission)
    {
        var id = Interlocked.Increment(ref _nextId);
        FtpConnection connection;
        try
        {
            connection = new FtpConnection(id, socket, _context, admission);
        }
        catch (Exception)
        {
            // The peer was gone before we could read its address.
            socket.Dispose();
            return;
        }

        _connections[id] = connection;
        try
        {
            await connection.RunAsync(implicitTls);
        }
        finally
        {
            try
            {
                await connection.DisposeAsync();
            }
            finally
            {
                _connections.TryRemove(id, out _);
            }
        }
    }
}
