using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// Issue 11 finding 2, with the real host under a low descriptor limit (prlimit): once the
/// process is out of file descriptors, further clients get 421 (the spare-descriptor trick), the
/// accept loop does not spin, the failures are logged at most once per interval, and the server
/// serves again once connections close.
/// </summary>
public sealed partial class AcceptStarvationHostTests : IDisposable
{
    /// <summary>Enough for the runtime and the server (about 150 at start), room for some tens of sessions.</summary>
    private const int DescriptorLimit = 200;

    /// <summary>AcceptFailureGuard's interval between two log lines.</summary>
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    /// <summary>USER_HZ: the unit of utime and stime in /proc/PID/stat (100 on every Linux we run on).</summary>
    private const double ClockTicksPerSecond = 100;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-nofile-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Out_of_descriptors_the_server_answers_421_stays_idle_logs_once_per_interval_and_recovers()
    {
        var dataDir = Path.Combine(_folder, "data");
        var home = Path.Combine(_folder, "home");
        var add = await FerryProcess.RunAsync("bob's long password", "user", "add", "bob", "--home", home, "--password-stdin", "--data-dir", dataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        var config = Path.Combine(_folder, "ferry.json");
        // The admin API is off: its listener (the socket, Kestrel's assemblies) would take descriptors
        // of the small budget at start, and this test is about FTP's accept loop alone.
        await File.WriteAllTextAsync(config, """{ "Server": { "MaxSessionsPerAddress": 0, "MaxUnauthenticatedSessionsPerAddress": 0 }, "Admin": { "Enabled": false } }""");
        var port = FerryProcess.FreePort();
        await using var server = FerryProcess.StartUnder(["prlimit", $"--nofile={DescriptorLimit}:{DescriptorLimit}"], null,
            "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", dataDir, "--config", config);
        await server.WaitForReadyAsync();
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);

        var sessions = new List<WireClient>();
        try
        {
            // Fill the process's descriptors with sessions until a client is turned away.
            FtpReplyText? refusal = null;
            var starvedAt = Stopwatch.StartNew();
            for (var i = 0; i < 2 * DescriptorLimit && refusal is null; i++)
            {
                var client = await WireClient.ConnectAsync(endPoint);
                sessions.Add(client);
                var reply = await ReadReplyOrNullAsync(client);
                Assert.True(reply is not null, $"connection {i} got no reply at all: " + server.Output);
                if (reply.Code != 220)
                {
                    refusal = reply;
                    starvedAt.Restart();
                }
            }

            Assert.True(refusal is { Code: 421 }, $"no 421 after {sessions.Count} connections: {refusal}");
            Assert.Contains("out of resources", refusal.ToString(), StringComparison.Ordinal);

            // More clients meanwhile are answered too, not left in the backlog.
            for (var i = 0; i < 3; i++)
            {
                await using var extra = await WireClient.ConnectAsync(endPoint);
                Assert.Equal(421, (await ReadReplyOrNullAsync(extra))?.Code);
            }

            // Not spinning: the process's CPU time over two seconds of starvation stays far below one core.
            var before = CpuSeconds(server.Id);
            var window = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(2));
            var share = (CpuSeconds(server.Id) - before) / window.Elapsed.TotalSeconds;
            Assert.True(share < 0.5, $"the starved server used {share:P0} of a core");

            var lines = StarvedLine().Count(server.Output);
            var allowed = 1 + (int)(starvedAt.Elapsed / LogInterval);
            Assert.True(lines >= 1 && lines <= allowed, $"{lines} starvation lines in {starvedAt.Elapsed.TotalSeconds:0} s (allowed {allowed}): {server.Output}");
            Assert.DoesNotContain("fail: ", server.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }

        // Descriptors free again: served again (the back-off is at most a second).
        var served = false;
        for (var attempt = 0; attempt < 20 && !served; attempt++)
        {
            await using var client = await WireClient.ConnectAsync(endPoint);
            if ((await ReadReplyOrNullAsync(client))?.Code == 220)
            {
                await client.LoginAsync("bob", "bob's long password");
                served = true;
            }
            else
            {
                await Task.Delay(500);
            }
        }

        Assert.True(served, "not served again after the connections closed: " + server.Output);
        Assert.Contains("Ferry[4012] Accepting connections again", await server.OutputWithAsync("Ferry[4012]"), StringComparison.Ordinal);
        server.SendSignal("TERM");
        await server.WaitForExitAsync();
        Assert.Equal(0, server.ExitCode);
    }

    /// <summary>The greeting or refusal; null when none comes within 5 s (the old loop left clients in the backlog).</summary>
    private static async Task<FtpReplyText?> ReadReplyOrNullAsync(WireClient client)
    {
        try
        {
            return await client.ReadReplyAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            return null;
        }
    }

    /// <summary>utime + stime of the process (fields 14 and 15 of /proc/PID/stat, after the command name in parentheses).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
    }

    [GeneratedRegex(@"Ferry\[4011\]")]
    private static partial Regex StarvedLine();

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
