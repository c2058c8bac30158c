using System.Net.Sockets;
using System.Security.Cryptography;
using Ferry.Commands;
using Ferry.Configuration;
using Ferry.Logging;
using Ferry.Privileges;
using Ferry.Server;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Security.Tls;
using Ferry.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ferry.Hosting;

/// <summary>
/// The FTP server as a hosted service. Start keeps the order privilege separation needs: the
/// certificate and SQLite are loaded while still root, the process drops to RunAsUser, the ports
/// are bound (through the privileged helper when needed), and only then is anything written for
/// users (users.db, the first login). Stop is the graceful stop: no new transfers, running ones
/// get ShutdownDrainTimeout, then 421 to every session.
/// </summary>
internal sealed class FtpServerService(
    SettingsMonitor settings,
    FerryLogging logs,
    ILoggerFactory loggerFactory,
    IEnumerable<IServerEventSink> eventSinks,
    IEnumerable<IUploadPolicy> uploadPolicies,
    IHostApplicationLifetime lifetime) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Ferry");

    private const string FirstUserName = "ferry";

    private PrivilegeSetup? _privileges;
    private SqliteUserStore? _store;
    private FtpServer? _server;
    private StorageRouter? _storage;

    /// <summary>The running server; null until <see cref="StartAsync"/> has finished.</summary>
    public FtpServer? Server => _server;

    /// <summary>Which backend each login gets (local disk, S3 profiles); null until <see cref="StartAsync"/> has built it. A reload prepares and applies its next settings.</summary>
    public StorageRouter? Storage => _storage;

    /// <summary>The user store (users.db); null until <see cref="StartAsync"/> has opened it.</summary>
    public IUserStore? Users => _store;

    /// <summary>What /readyz asks about (the server, its user store, its certificate); null until started.</summary>
    public Operations.IServerHealth? Health { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var current = settings.CurrentValue;
        if (PrivilegeSetup.Check(current, out var runAs) is { } refusal)
        {
            throw new StartupFailedException(refusal, 2);
        }

        TlsCertificateProvider certificates;
        try
        {
            certificates = TlsCertificateProvider.Create(
                current.Server.CertificateFile, current.Server.CertificateKeyFile, current.Server.CertificatePassword, current.DataDir);
        }
        catch (CryptographicException e)
        {
            throw new StartupFailedException($"cannot load the TLS certificate: {e.Message}", 1, e);
        }

        // The data folder must exist to be handed to RunAsUser; users.db is created after the bind.
        Directory.CreateDirectory(current.DataDir);

        // SQLite's native library is loaded now, before the drop: users.db is opened only after the
        // bind, and a single-file publish unpacks the library where only the unpacking account
        // (root, when started as root) may read it (SingleFilePublishTests guards this).
        SQLitePCL.Batteries_V2.Init();

        // Started as root, this is where the process stops being root (the helper keeps it).
        try
        {
            _privileges = PrivilegeSetup.Apply(current, runAs, loggerFactory.CreateLogger("Ferry"));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new StartupFailedException("cannot separate privileges: " + e.Message, 1, e);
        }

        try
        {
            _storage = new StorageRouter(current, loggerFactory);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or CryptographicException or InvalidOperationException or Amazon.Runtime.AmazonClientException)
        {
            throw new StartupFailedException("cannot set up Storage:S3: " + e.Message, 1, e);
        }

        var users = new DeferredUserStore();
        var server = new FtpServer(current.Server, users, loggerFactory, fileSystemFactory: _storage, certificates: certificates,
            socketSource: _privileges.SocketSource, systemAccounts: _privileges.SystemAccounts)
        {
            EventSinks = [.. logs.EventSinks(loggerFactory), .. eventSinks],

            // At most one is registered (the pre-upload hook).
            UploadPolicy = uploadPolicies.SingleOrDefault(),
        };
        try
        {
            await server.StartAsync(cancellationToken);
        }
        catch (SocketException e)
        {
            await server.DisposeAsync();
            throw new StartupFailedException($"cannot listen on {current.Server.ListenAddress} port {current.Server.Port}: {e.Message}", 1, e);
        }
        catch (InvalidOperationException e)
        {
            await server.DisposeAsync();
            throw new StartupFailedException(e.Message, 1, e);
        }

        _server = server;
        Health = new Operations.FtpServerHealth(server, users, certificates);
        if (current.Operations.OtlpEndpoint is { Length: > 0 } otlp)
        {
            FerryLog.OtlpExporting(_logger, current.Operations.Traces ? "metrics and traces" : "metrics", current.Operations.OtlpProtocol.ToString(), otlp);
        }

        // Only now, with every setting checked and the ports bound, is anything written for users:
        // a start that fails leaves no users.db and prints no password nobody can use.
        _store = CommonOptions.OpenUsers(current);
        users.Open(_store);
        await CreateFirstUserAsync(_store, current, Status, cancellationToken);

        if (_privileges.Activation is { Unclaimed.Count: > 0 } activation)
        {
            await Console.Error.WriteLineAsync($"ferry: warning: socket activation passed {string.Join(", ", activation.Unclaimed)}, which no Server:ListenAddress/Port asks for.");
        }

        Status($"TLS certificate: {certificates.Description}");
        if (server.ImplicitTlsEndPoint is { } implicitTls)
        {
            Status($"Implicit FTPS on {implicitTls}");
        }

        // "ready" (which scripts and tests wait for) only once every service has started: the
        // operations listener starts after this one.
        lifetime.ApplicationStarted.Register(() =>
        {
            ProcessIdFile.Write(current.DataDir);
            Status($"Ferry ready: listening on {server.LocalEndPoint}, data in {Path.GetFullPath(current.DataDir)}");
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
        {
            return;
        }

        Status("Ferry stopping.");
        await _server.StopAsync(cancellationToken);
        ProcessIdFile.Remove(settings.CurrentValue.DataDir);
    }

    /// <summary>Idempotent: the container disposes this once as itself and once as a hosted service.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync();
        }

        Interlocked.Exchange(ref _storage, null)?.Dispose();
        Interlocked.Exchange(ref _store, null)?.Dispose();
        Interlocked.Exchange(ref _privileges, null)?.Dispose();
    }

    /// <summary>A line about the server itself ("Ferry ready: ..."): plain on a text console, a record (7130) in a JSON log.</summary>
    private void Status(string line) => logs.WriteStatus(_logger, line);

    /// <summary>
    /// First start: with no users at all, create one with a random password and show it once,
    /// so the server is usable at once without ever allowing anonymous access. On a terminal it is
    /// printed; otherwise stdout is a log (systemd's journal, readable by the adm group, kept for
    /// weeks), so it goes to a file only this account may read, and the log names the file.
    /// </summary>
    private static async Task CreateFirstUserAsync(IUserStore users, FerrySettings settings, Action<string> status, CancellationToken cancellationToken)
    {
        if ((await users.ListAsync(cancellationToken)).Count > 0)
        {
            return;
        }

        var home = Path.GetFullPath(Path.Combine(settings.DataDir, "files"));
        Directory.CreateDirectory(home);
        // 20 characters of 56 (116 bits), or Server:MinPasswordLength when that asks for more.
        var password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", Math.Max(20, settings.Server.MinPasswordLength));
        await users.AddAsync(new FtpUser(FirstUserName, PasswordHasher.Hash(password), home, UserPermissions.All, Disabled: false), cancellationToken);
        var created = $"First start: created user '{FirstUserName}' with password '{password}' (home {home}).";
        const string Change = "Change it with: ferry user passwd " + FirstUserName;
        if (!Console.IsOutputRedirected)
        {
            Console.WriteLine(created);
            Console.WriteLine(Change);
            return;
        }

        var file = FirstLoginFile.Write(settings.DataDir, created + Environment.NewLine + Change + Environment.NewLine);
        status($"First start: created user '{FirstUserName}' (home {home}); its password is in {file} (mode 0600). Read it, change it with `ferry user passwd {FirstUserName}`, then delete the file.");
    }
}
