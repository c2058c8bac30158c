using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ferry.IntegrationTests.Lifecycle;
using Ferry.Server;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The `ferry serve` process and its signals and runtime (issue 11 findings 1, 9 and 12): SIGHUP
/// reloads and never ends the process, SIGTERM ends within the stop deadline even after renegotiation
/// requests, and the runtime's diagnostics socket is not opened unless asked for.
/// </summary>
public sealed class LifecycleHostTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-life-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_folder, "data");

    [Fact]
    public async Task Sighup_reloads_and_a_session_open_before_stays_alive()
    {
        var (server, port) = await StartAsync();
        await using (server)
        {
            await using var before = await LoginAsync(port);

            server.SendSignal("HUP");
            var logged = await WaitForAsync(() => server.Output.Contains("Configuration reloaded", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            Assert.True(logged, "no SIGHUP line: " + server.Output + server.Errors);

            await before.CommandAsync("NOOP", 200);
            await before.CommandAsync("SIZE hello.txt", 213);
            await using var after = await LoginAsync(port);
            await after.CommandAsync("NOOP", 200);

            server.SendSignal("TERM");
            await server.WaitForExitAsync();
            Assert.Equal(0, server.ExitCode);
        }
    }

    [Fact]
    public async Task Sigterm_stops_the_server_within_its_deadline_after_renegotiation_requests()
    {
        var (server, port) = await StartAsync();
        await using (server)
        {
            var target = RenegotiatingClient.Target(port, implicitTls: false);
            for (var i = 0; i < 20; i++)
            {
                Assert.True(await RenegotiatingClient.RequestOnceAsync(target), "s_client never said RENEGOTIATING");
            }

            // And one whose client is still connected when the stop begins.
            await using var lingering = await RenegotiatingClient.StartAsync(target);
            Assert.NotNull(lingering);
            await using var session = await LoginAsync(port);

            var clock = Stopwatch.StartNew();
            server.SendSignal("TERM");
            await session.ExpectAsync(421);
            await server.WaitForExitAsync();
            Assert.True(clock.Elapsed < FtpServer.StopDeadline + TimeSpan.FromSeconds(5), $"SIGTERM took {clock.Elapsed} (stop deadline {FtpServer.StopDeadline})");
            Assert.Equal(0, server.ExitCode);
        }
    }

    [Fact]
    public async Task Serve_opens_no_runtime_diagnostics_socket_unless_asked_to()
    {
        var (server, _) = await StartAsync();
        await using (server)
        {
            Assert.Empty(DiagnosticSockets(server.Id));
            foreach (var child in Children(server.Id))
            {
                // The privileged helper (started as root) inherits the setting.
                Assert.Empty(DiagnosticSockets(child));
            }
        }

        // The documented way to debug: DOTNET_EnableDiagnostics=1 (env execs ferry, so the pid is ferry's).
        var (debuggable, _) = await StartAsync(["env", "DOTNET_EnableDiagnostics=1"]);
        await using (debuggable)
        {
            Assert.NotEmpty(DiagnosticSockets(debuggable.Id));
        }
    }

    private async Task<(FerryProcess Server, int Port)> StartAsync(string[]? wrapper = null)
    {
        var home = Path.Combine(_folder, "home");
        if (!Directory.Exists(home))
        {
            var add = await FerryProcess.RunAsync("bob's long password", "user", "add", "bob", "--home", home, "--password-stdin", "--data-dir", DataDir);
            Assert.True(add.ExitCode == 0, add.Errors);
            await File.WriteAllTextAsync(Path.Combine(home, "hello.txt"), "hi");
        }

        var port = FerryProcess.FreePort();
        var server = FerryProcess.StartUnder(wrapper ?? [], null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir);
        await server.WaitForReadyAsync();
        return (server, port);
    }

    private static async Task<WireClient> LoginAsync(int port)
    {
        var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await ftp.ExpectAsync(220);
        await ftp.LoginAsync("bob", "bob's long password");
        return ftp;
    }

    private static string[] DiagnosticSockets(int pid)
    {
        var folder = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } tmp ? tmp : "/tmp";
        return Directory.GetFiles(folder, $"dotnet-diagnostic-{pid}-*-socket");
    }

    private static IEnumerable<int> Children(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(child => int.Parse(child, CultureInfo.InvariantCulture));

    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout)
        {
            await Task.Delay(50);
        }

        return condition();
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
