using System.Net;
using Ferry.Server.Security;
using Ferry.Server.Security.Tls;

namespace Ferry.Server.Tests.Support;

/// <summary>
/// A real Ferry server on 127.0.0.1 (or ::1) with an OS-chosen control port and OS-chosen
/// passive ports, a real SQLite user store and a temp folder as the user's root; one per test,
/// so tests run in parallel without sharing ports or files.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string UserName = "alice";
    public const string Password = "correct horse battery";

    /// <summary>Cheap hashes keep hundreds of test logins fast; the format and code path are the real ones.</summary>
    public const int TestHashIterations = 1000;

    /// <summary>One generated self-signed certificate for every test server of the run (RSA key generation is slow).</summary>
    private static readonly Lazy<TlsCertificateProvider> SharedCertificates = new(() =>
        TlsCertificateProvider.Create(null, null, null, Path.Combine(Path.GetTempPath(), "ferry-test-tls-" + Environment.ProcessId)));

    private readonly RecordingLog? _log;

    private TestServer(string directory, FtpServer server, SqliteUserStore users, RecordingLog? log)
    {
        Folder = directory;
        Server = server;
        Users = users;
        _log = log;
    }

    /// <summary>The temp folder holding everything of this server.</summary>
    public string Folder { get; }

    /// <summary>alice's root folder.</summary>
    public string Root => Path.Combine(Folder, "root");

    public FtpServer Server { get; }

    public SqliteUserStore Users { get; }

    /// <summary>The server's log, for tests that check which path a transfer took; only when started with one.</summary>
    public RecordingLog Log => _log ?? throw new InvalidOperationException("Start the server with a RecordingLog to read its log.");

    public IPEndPoint EndPoint => Server.LocalEndPoint;

    public int Port => EndPoint.Port;

    public string Host => EndPoint.Address.ToString();

    /// <summary>The host as it goes into a URL ("[::1]" for IPv6).</summary>
    public string UrlHost => EndPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Host}]" : Host;

    public static Task<TestServer> StartAsync(
        Action<FtpServerOptions>? configure = null, string listenAddress = "127.0.0.1", TlsCertificateProvider? certificates = null, TimeProvider? time = null, RecordingLog? log = null,
        Func<FtpUser, Storage.IFileSystem>? fileSystemFactory = null, Storage.FileSystemCapabilities? fileSystemCapabilities = null) =>
        StartAsync([], configure, listenAddress, certificates, time, log, fileSystemFactory, fileSystemCapabilities);

    /// <summary>A test server whose logins get <paramref name="fileSystems"/>'s file systems: a backend whose factory is asynchronous (S3).</summary>
    public static Task<TestServer> StartAsync(Storage.IFileSystemFactory fileSystems, Action<FtpServerOptions>? configure = null, RecordingLog? log = null) =>
        StartAsync([], configure, log: log, fileSystems: fileSystems);

    /// <summary>As the other overload, with sinks for the server's transfer and audit records.</summary>
    internal static async Task<TestServer> StartAsync(
        IReadOnlyList<global::Ferry.Server.Diagnostics.IServerEventSink> eventSinks,
        Action<FtpServerOptions>? configure = null, string listenAddress = "127.0.0.1", TlsCertificateProvider? certificates = null, TimeProvider? time = null, RecordingLog? log = null,
        Func<FtpUser, Storage.IFileSystem>? fileSystemFactory = null, Storage.FileSystemCapabilities? fileSystemCapabilities = null,
        IUploadPolicy? uploadPolicy = null, Storage.IFileSystemFactory? fileSystems = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ferry-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(directory, "root"));
        var users = new SqliteUserStore(Path.Combine(directory, "users.db"));
        await users.AddAsync(new FtpUser(UserName, PasswordHasher.Hash(Password, TestHashIterations), Path.Combine(directory, "root"), UserPermissions.All, Disabled: false), CancellationToken.None);
        var options = new FtpServerOptions
        {
            ListenAddress = listenAddress,
            Port = 0,
            PassivePorts = string.Empty,
            DataConnectionTimeout = TimeSpan.FromSeconds(10),
            DataStallTimeout = TimeSpan.FromSeconds(5),

            // No pause, a generous cap and no bans, so tests that try wrong passwords stay fast; LoginDefenceTests and AddressBanTests set them.
            FailedLoginDelay = TimeSpan.Zero,
            MaxLoginAttempts = 100,
            BanFailedLogins = 0,

            // A disposed test server cuts its transfers at once (as before the drain existed);
            // GracefulStopTests and the host tests run the drain.
            ShutdownDrainTimeout = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        var server = new FtpServer(options, users, loggerFactory: log, time: time, fileSystemFactory: fileSystems ?? (fileSystemFactory is null ? null : new DelegateFileSystemFactory(fileSystemFactory, fileSystemCapabilities ?? Storage.Local.LocalFileSystem.Supported)), certificates: certificates ?? SharedCertificates.Value)
        {
            EventSinks = eventSinks,
            UploadPolicy = uploadPolicy,
        };
        await server.StartAsync();
        return new TestServer(directory, server, users, log);
    }

    /// <summary>Adds another user with its own root folder (returned).</summary>
    public async Task<string> AddUserAsync(string name, string password, UserPermissions permissions, bool disabled = false, bool requireTls = false)
    {
        var home = Path.Combine(Folder, "home-" + name);
        Directory.CreateDirectory(home);
        await Users.AddAsync(new FtpUser(name, PasswordHasher.Hash(password, TestHashIterations), home, permissions, disabled, requireTls), CancellationToken.None);
        return home;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Waits, at most 10 s, until the server counts exactly <paramref name="count"/> sessions, and asserts it.</summary>
    public async Task WaitForSessionsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Server.ActiveSessions != count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(count, Server.ActiveSessions);
    }

    /// <summary>Connects (from another loopback address when <paramref name="from"/> is given) and reads the greeting.</summary>
    public async Task<WireClient> ConnectAsync(bool login = true, IPAddress? from = null)
    {
        var client = await WireClient.ConnectAsync(EndPoint, from);
        await client.ExpectAsync(220);
        if (login)
        {
            await client.LoginAsync(UserName, Password);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Users.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
