using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Hooks;

/// <summary>
/// `ferry serve` (through <see cref="ServeHarness"/>: user bob, its own folder and ports) with a
/// "Hooks" section, optional extra Server settings and, when asked, the operations listener for
/// /metrics; plus the clients the hook tests use (curl, python3 ftplib) and the scripts they give
/// hooks to run (python3 from /usr/bin, readable by the account the server drops to).
/// </summary>
internal sealed class HookServer : IAsyncDisposable
{
    /// <summary>The interpreter hook scripts run with: a system path every account may execute (not a pyenv shim under /root).</summary>
    public const string Python = "/usr/bin/python3";

    private HookServer(ServeHarness harness, int? operationsPort)
    {
        Harness = harness;
        OperationsPort = operationsPort;
    }

    public ServeHarness Harness { get; }

    public int? OperationsPort { get; }

    public string Home => Harness.Home;

    public string DataDir => Harness.DataDir;

    public string Folder => Harness.Folder;

    public string FtpUrl => $"ftp://127.0.0.1:{Harness.Port.ToString(CultureInfo.InvariantCulture)}/";

    /// <summary>A server with these hooks (the items of Hooks:List), Hooks settings and Server settings.</summary>
    public static async Task<HookServer> StartAsync(string prefix, JsonArray hooks, JsonObject? hookSettings = null, JsonObject? server = null,
        bool metrics = false, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var harness = await ServeHarness.CreateAsync(prefix);
        try
        {
            var section = new JsonObject
            {
                ["ListenAddress"] = "127.0.0.1",
                ["Port"] = harness.Port,
                ["PassivePorts"] = harness.PassivePorts,
            };
            foreach (var (key, value) in server ?? [])
            {
                section[key] = value?.DeepClone();
            }

            var hooksSection = hookSettings ?? [];
            hooksSection["List"] = hooks;
            var config = new JsonObject
            {
                [nameof(ServeHarness.DataDir)] = harness.DataDir,
                ["LogLevel"] = "Debug",
                ["Server"] = section,
                ["Hooks"] = hooksSection,
            };
            int? operationsPort = null;
            if (metrics)
            {
                operationsPort = FerryProcess.FreePort();
                config["Operations"] = new JsonObject { ["Listen"] = "127.0.0.1:" + operationsPort.Value.ToString(CultureInfo.InvariantCulture) };
            }

            harness.WriteConfigText(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            await harness.StartAsync(environment);
            return new HookServer(harness, operationsPort);
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>A script file in the test's folder, readable and runnable by every account.</summary>
    public static string WriteScript(string folder, string name, string text)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    /// <summary>curl as bob (or another user), with a hard time limit.</summary>
    public static Task<ClientResult> CurlAsync(string user, string password, params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["--silent", "--show-error", "--max-time", "30", "-u", user + ":" + password, .. arguments]);

    /// <summary>Uploads <paramref name="file"/> to <paramref name="path"/> (from the root) as bob with curl.</summary>
    public Task<ClientResult> UploadAsync(string file, string path, params string[] extra) =>
        CurlAsync(ServeHarness.UserName, ServeHarness.Password, ["-T", file, FtpUrl + path.TrimStart('/'), .. extra]);

    /// <summary>python3 ftplib: <paramref name="code"/> runs with `ftp` logged in as bob; argv[1:] are <paramref name="arguments"/>.</summary>
    public Task<ClientResult> FtplibAsync(string code, params string[] arguments)
    {
        var script = $$"""
            import ftplib, sys, io, time
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", {{Harness.Port.ToString(CultureInfo.InvariantCulture)}}, timeout=30)
            ftp.login("{{ServeHarness.UserName}}", "{{ServeHarness.Password}}")
            {{code}}
            ftp.quit()
            """;
        return ClientProcess.RunAsync("python3", ["-c", script, .. arguments]);
    }

    /// <summary>GET /metrics of the operations listener.</summary>
    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{OperationsPort!.Value.ToString(CultureInfo.InvariantCulture)}/metrics"));
    }

    public ValueTask DisposeAsync() => Harness.DisposeAsync();
}
