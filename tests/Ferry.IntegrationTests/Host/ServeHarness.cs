using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// One `ferry serve` process for the reload, stop and systemd tests: its own folder, data folder,
/// user (bob), ports and config file (passed with --config, so a reload reads what the test
/// rewrote), with helpers to read its log by event id and to log in.
/// </summary>
internal sealed class ServeHarness : IAsyncDisposable
{
    public const string UserName = "bob";
    public const string Password = "bob's long password";

    private FerryProcess? _server;

    private ServeHarness(string folder)
    {
        Folder = folder;
        Port = FerryProcess.FreePort();
        PassivePorts = FerryProcess.FreePassiveRange();
    }

    public string Folder { get; }

    public string DataDir => Path.Combine(Folder, "data");

    public string Home => Path.Combine(Folder, "home");

    public string ConfigFile => Path.Combine(Folder, "ferry.json");

    public int Port { get; }

    public string PassivePorts { get; }

    public FerryProcess Server => _server ?? throw new InvalidOperationException("not started");

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>A folder with user bob (home made by `ferry user add`, so it belongs to the account the server drops to).</summary>
    public static async Task<ServeHarness> CreateAsync(string prefix)
    {
        var harness = new ServeHarness(Path.Combine(Path.GetTempPath(), $"ferry-{prefix}-{Guid.NewGuid().ToString("N")[..12]}"));
        Directory.CreateDirectory(harness.Folder);
        var add = await FerryProcess.RunAsync(Password, "user", "add", UserName, "--home", harness.Home, "--password-stdin", "--data-dir", harness.DataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        return harness;
    }

    /// <summary>Another user, home FOLDER/NAME; returns the home.</summary>
    public async Task<string> AddUserAsync(string name, string password)
    {
        var home = Path.Combine(Folder, name);
        var add = await FerryProcess.RunAsync(password, "user", "add", name, "--home", home, "--password-stdin", "--data-dir", DataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        return home;
    }

    /// <summary>The config file: DataDir, loopback, this harness's ports, and <paramref name="server"/>'s Server settings on top.</summary>
    public void WriteConfig(IReadOnlyDictionary<string, object?>? server = null, int? port = null, string logLevel = "Information")
    {
        var section = new Dictionary<string, object?>
        {
            ["ListenAddress"] = "127.0.0.1",
            ["Port"] = port ?? Port,
            ["PassivePorts"] = PassivePorts,
        };
        foreach (var (key, value) in server ?? new Dictionary<string, object?>())
        {
            section[key] = value;
        }

        WriteConfigText(JsonSerializer.Serialize(new Dictionary<string, object?> { ["DataDir"] = DataDir, ["LogLevel"] = logLevel, ["Server"] = section }));
    }

    /// <summary>Replaces the config file whole (a rename, as editors and config management do).</summary>
    public void WriteConfigText(string text)
    {
        var temporary = ConfigFile + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, ConfigFile, overwrite: true);
    }

    /// <summary>Starts `ferry serve`; again after <see cref="StopAsync"/> for a restart (the stopped process is released first).</summary>
    public async Task StartAsync(IReadOnlyDictionary<string, string?>? environment = null)
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _server = FerryProcess.StartWithEnvironment(environment ?? new Dictionary<string, string?>(), null, "serve", "--config", ConfigFile);
        await _server.WaitForReadyAsync();
    }

    /// <summary>The log lines of one event id (the console format is "level: Ferry[ID] text").</summary>
    public IReadOnlyList<string> Events(int eventId) =>
        [.. Server.Output.Split('\n').Where(line => line.Contains($"Ferry[{eventId}]", StringComparison.Ordinal))];

    /// <summary>Waits until the log holds <paramref name="count"/> lines of the event and returns the last.</summary>
    public async Task<string> WaitForEventAsync(int eventId, int count = 1)
    {
        var clock = Stopwatch.StartNew();
        while (Events(eventId).Count < count && clock.Elapsed < TimeSpan.FromSeconds(20) && !ServerExited)
        {
            await Task.Delay(25);
        }

        var lines = Events(eventId);
        Assert.True(lines.Count >= count, $"expected {count} line(s) of event {eventId}; log: {Server.Output} stderr: {Server.Errors}");
        return lines[count - 1];
    }

    /// <summary>
    /// Waits until a line of the event contains <paramref name="text"/> and returns it (the log is
    /// written a few milliseconds behind the replies: records gather before each write).
    /// </summary>
    public async Task<string> WaitForEventAsync(int eventId, string text)
    {
        var clock = Stopwatch.StartNew();
        while (!Events(eventId).Any(line => line.Contains(text, StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(20) && !ServerExited)
        {
            await Task.Delay(25);
        }

        var match = Events(eventId).FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal));
        Assert.True(match is not null, $"no line of event {eventId} with '{text}'; log: {Server.Output} stderr: {Server.Errors}");
        return match;
    }

    public bool ServerExited => Server.HasExited;

    /// <summary>A new control connection, greeted.</summary>
    public async Task<WireClient> ConnectAsync(int? port = null)
    {
        var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port ?? Port));
        await ftp.ExpectAsync(220);
        return ftp;
    }

    public async Task<WireClient> LoginAsync()
    {
        var ftp = await ConnectAsync();
        await ftp.LoginAsync(UserName, Password);
        return ftp;
    }

    /// <summary>A new connection's USER and PASS; returns the connection and the reply to PASS (230, or 421 over a limit).</summary>
    public async Task<(WireClient Client, FtpReplyText Reply)> TryLoginAsync()
    {
        var ftp = await ConnectAsync();
        await ftp.CommandAsync("USER " + UserName, 331);
        await ftp.SendAsync("PASS " + Password);
        return (ftp, await ftp.ReadReplyAsync());
    }

    /// <summary>
    /// What a new client sees: `openssl s_client -starttls ftp` (220, AUTH TLS, 234, handshake)
    /// prints the server certificate; its SHA-256 fingerprint.
    /// </summary>
    public async Task<string> NewClientCertificateSha256Async()
    {
        var result = (await ClientProcess.RunAsync("openssl", ["s_client", "-starttls", "ftp", "-connect", $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}", "-servername", "localhost"],
            stdin: "QUIT\r\n", timeout: TimeSpan.FromSeconds(20))).AssertSuccess();
        var begin = result.StdOut.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        var end = result.StdOut.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, result.Describe());
        using var certificate = X509Certificate2.CreateFromPem(result.StdOut.AsSpan(begin, end - begin + "-----END CERTIFICATE-----".Length));
        return certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
    }

    /// <summary>Whether something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }

    /// <summary>SIGTERM and the exit code; fails when the process takes longer than <paramref name="within"/>.</summary>
    public async Task<int> StopAsync(TimeSpan within)
    {
        Server.SendSignal("TERM");
        await Server.WaitForExitAsync(within);
        return Server.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        FileTree.DeleteQuietly(Folder);
    }
}
