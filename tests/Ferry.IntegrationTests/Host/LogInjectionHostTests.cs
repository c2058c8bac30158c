using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// Issue 11, finding 3: a client must not be able to write a log line that the shipped fail2ban
/// filter reads as someone else's failure or ban. The real `ferry serve` (at Debug, so command and
/// reply lines are in the log too) gets user names, a HOST argument and an upload name crafted to
/// look like Ferry's own ban and failure records, with CR, NUL, ESC, quotes, backslashes and a
/// Unicode line separator; then fail2ban's own tool reads that log with the filter we ship. Every
/// failure and the one ban it finds must be 127.0.0.1's, the client's real address; no 203.0.113.x.
/// The same holds for the JSON log (Logging:Format = Json, issue 14).
/// </summary>
public sealed class LogInjectionHostTests : IDisposable
{
    // Each is sent as the user name of a failed login, from 127.0.0.1.
    private static readonly string[] InjectedUserNames =
    [
        "Ferry[1006] Banned 203.0.113.7 (network",
        "Ferry[1006] Banned 203.0.113.7 (network",
        "Ferry[1006] Banned 203.0.113.7 (network",
        "Ferry[1006] Banned 203.0.113.7 (network",
        "Ferry[1006] Banned 203.0.113.7 (network",
        "x from 203.0.113.9",
        "x from 203.0.113.9\r",
        "x from 203.0.113.9\0",
        "x\" from 203.0.113.10 \"",
        "x\\\" from 203.0.113.11",
        "x\r2026-01-01T00:00:00.000Z warn: Ferry[1006] Banned 203.0.113.12 (network 203.0.113.12/32)",
        "x\02026-01-01T00:00:00.000Z warn: Ferry[1003] Session 1: failed login for \"y\" from 203.0.113.13",
        "\u001b[2K\rwarn: Ferry[1006] Banned 203.0.113.14 (network",
        "x\u2028warn: Ferry[1006] Banned 203.0.113.15 (network",
        "x\u0085Ferry[1006] Banned 203.0.113.16 (network",
    ];

    private const int RealFailures = 2;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-inject-" + Guid.NewGuid().ToString("N")[..12]);

    [Theory]
    [InlineData("Text")]
    [InlineData("Json")]
    public async Task Fail2ban_with_the_shipped_filter_finds_only_the_real_client_address_in_a_log_with_injection_attempts(string format)
    {
        var dataDir = Path.Combine(_folder, "data");
        var home = Path.Combine(_folder, "home");
        var add = await FerryProcess.RunAsync("the right password", "user", "add", "bob", "--home", home, "--password-stdin", "--data-dir", dataDir);
        Assert.True(add.ExitCode == 0, add.Errors);

        // Started as root, ferry serves as nobody, which must be able to write the upload below.
        File.SetUnixFileMode(home, (UnixFileMode)0b111_111_111);

        // Every failed login is 127.0.0.1's; the last one reaches the ban threshold, so the log
        // has one real ban too.
        var failures = InjectedUserNames.Length + RealFailures;
        var config = Path.Combine(_folder, "ferry.json");
        await File.WriteAllTextAsync(config, $$"""{ "Server": { "FailedLoginDelay": "00:00:00", "BanFailedLogins": {{failures}}, "BanAllowList": [] } }""");
        var port = FerryProcess.FreePort();
        await using var server = FerryProcess.StartWithEnvironment(new Dictionary<string, string?> { ["FERRY_LOGGING__FORMAT"] = format }, null,
            "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", dataDir, "--config", config, "--log-level", "Debug");
        await server.WaitForReadyAsync();
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);

        // A logged-in client names an upload like a ban record: the transfer line carries the path.
        var upload = Path.Combine(_folder, "upload.txt");
        await File.WriteAllTextAsync(upload, "x");
        var put = await ClientProcess.RunAsync("curl", ["--silent", "--show-error", "--max-time", "20", "-u", "bob:the right password", "-T", upload,
            $"ftp://127.0.0.1:{port}/Ferry%5B1006%5D%20Banned%20203.0.113.17%20%28network"]);
        Assert.True(put.ExitCode == 0, put.Describe() + server.Output);

        // A HOST argument (logged at Debug with the command line) shaped the same way.
        await SendAndReadToEndAsync(endPoint, "HOST Ferry[1006] Banned 203.0.113.8 (network\r\nQUIT\r\n");

        foreach (var name in InjectedUserNames)
        {
            await SendAndReadToEndAsync(endPoint, "USER " + name + "\r\nPASS wrong\r\nQUIT\r\n");
        }

        for (var i = 0; i < RealFailures; i++)
        {
            await SendAndReadToEndAsync(endPoint, "USER bob\r\nPASS wrong\r\nQUIT\r\n");
        }

        // The console logger writes from its own queue: wait (bounded) for the real ban line (the
        // injected names carry "Ferry[1006]" too, in their quoted Debug records, so wait for the whole line).
        var realBan = format == "Json" ? "\"EventId\":1006,\"EventName\":\"AddressBanned\",\"Message\":\"Banned 127.0.0.1 " : "Ferry[1006] Banned 127.0.0.1";
        for (var wait = 0; wait < 100 && !server.Output.Contains(realBan, StringComparison.Ordinal); wait++)
        {
            await Task.Delay(100);
        }

        var output = server.Output;
        Assert.Contains(realBan, output, StringComparison.Ordinal);

        var log = Path.Combine(_folder, "ferry.log");
        await File.WriteAllTextAsync(log, output, new UTF8Encoding(false));
        var filter = RepositoryPaths.Combine("packaging", "fail2ban", "filter.d", "ferry.conf");
        var check = (await ClientProcess.RunAsync("fail2ban-regex", ["--out", "ip", log, filter])).AssertSuccess();
        var found = check.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // Each failure once (the Debug lines of the same commands match nothing) and the ban once,
        // all of them the real client's.
        Assert.True(found.All(address => address == "127.0.0.1"), "fail2ban found: " + string.Join(", ", found) + "\n" + output);
        Assert.True(found.Length == failures + 1, $"fail2ban found {found.Length} matches, expected {failures + 1}\n" + output);

        // The same log as fail2ban's systemd backend reads it from the journal (jail.d/ferry.conf):
        // "HOSTNAME ferry[PID]: " before each message, the date from the journal's own field, so
        // none is cut from the line ({NONE}).
        var journal = Path.Combine(_folder, "journal.log");
        await File.WriteAllTextAsync(journal, string.Concat(output.Split('\n').Select(line => "vm ferry[4242]: " + line + "\n")), new UTF8Encoding(false));
        var fromJournal = (await ClientProcess.RunAsync("fail2ban-regex", ["--out", "ip", "--datepattern", "{NONE}", journal, filter])).AssertSuccess()
            .StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(fromJournal.All(address => address == "127.0.0.1"), "fail2ban found in the journal form: " + string.Join(", ", fromJournal));
        Assert.Equal(failures + 1, fromJournal.Length);

        // No line of the log is split or blanked by what a client sent: LF ends lines, and no
        // other control character is in it (journald also splits a line at NUL).
        var controls = output.Where(c => c != '\n' && (char.IsControl(c) || c is '\u2028' or '\u2029')).Select(c => ((int)c).ToString("X4", CultureInfo.InvariantCulture));
        Assert.True(!controls.Any(), "control characters in the log: " + string.Join(' ', controls.Distinct()) + "\n" + output);
    }

    /// <summary>Sends raw command lines on a new control connection and reads until the server closes it (QUIT), bounded in time.</summary>
    private static async Task SendAndReadToEndAsync(IPEndPoint endPoint, string lines)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(endPoint, timeout.Token);
        await socket.SendAsync(Encoding.UTF8.GetBytes(lines), timeout.Token);
        var buffer = new byte[4096];
        while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
        {
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
