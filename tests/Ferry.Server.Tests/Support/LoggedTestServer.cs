using System.Net;
using Ferry.Server.Security;

namespace Ferry.Server.Tests.Support;

/// <summary>
/// A real server like <see cref="TestServer"/> (127.0.0.1, OS-chosen ports, alice in a temp
/// folder of her own), whose log is kept in <see cref="Log"/> for tests that check which path a
/// transfer took.
/// </summary>
public sealed class LoggedTestServer : IAsyncDisposable
{
    private LoggedTestServer(string folder, FtpServer server, SqliteUserStore users, RecordingLog log)
    {
        Folder = folder;
        Server = server;
        Users = users;
        Log = log;
    }

    public string Folder { get; }

    /// <summary>alice's root folder.</summary>
    public string Root => Path.Combine(Folder, "root");

    public FtpServer Server { get; }

    public SqliteUserStore Users { get; }

    public RecordingLog Log { get; }

    public IPEndPoint EndPoint => Server.LocalEndPoint;

    public int Port => EndPoint.Port;

    public string Host => EndPoint.Address.ToString();

    public static async Task<LoggedTestServer> StartAsync(Action<FtpServerOptions>? configure = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "ferry-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(folder, "root"));
        var users = new SqliteUserStore(Path.Combine(folder, "users.db"));
        await users.AddAsync(new FtpUser(TestServer.UserName, PasswordHasher.Hash(TestServer.Password, TestServer.TestHashIterations), Path.Combine(folder, "root"), UserPermissions.All, Disabled: false), CancellationToken.None);
        var options = new FtpServerOptions
        {
            ListenAddress = "127.0.0.1",
            Port = 0,
            PassivePorts = string.Empty,
            DataConnectionTimeout = TimeSpan.FromSeconds(10),
            DataStallTimeout = TimeSpan.FromSeconds(5),
            FailedLoginDelay = TimeSpan.Zero,
            BanFailedLogins = 0,
        };
        configure?.Invoke(options);
        var log = new RecordingLog();
        var server = new FtpServer(options, users, loggerFactory: log);
        await server.StartAsync();
        return new LoggedTestServer(folder, server, users, log);
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public async Task<WireClient> ConnectAsync()
    {
        var client = await WireClient.ConnectAsync(EndPoint);
        await client.ExpectAsync(220);
        await client.LoginAsync(TestServer.UserName, TestServer.Password);
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
