using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The issue's check with the real host and a real client at default ban settings: curl's sixth
/// wrong password from 127.0.0.1 bans it (421 at connect from then on, and a fail2ban-readable
/// log line), while a client from 127.0.0.2 still logs in.
/// </summary>
public sealed class AddressBanHostTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-ban-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task The_sixth_wrong_password_bans_the_address_and_another_address_still_works()
    {
        var dataDir = Path.Combine(_folder, "data");
        var home = Path.Combine(_folder, "home");
        var add = await FerryProcess.RunAsync("the right password", "user", "add", "bob", "--home", home, "--password-stdin", "--data-dir", dataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        await File.WriteAllTextAsync(Path.Combine(home, "hello.txt"), "hi");

        // Only the pause is shortened, so the test does not wait six seconds; the ban settings are the defaults.
        var config = Path.Combine(_folder, "ferry.json");
        await File.WriteAllTextAsync(config, """{ "Server": { "FailedLoginDelay": "00:00:00", "BanAllowList": [] } }""");
        var port = FerryProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var server = FerryProcess.Start(null, "serve", "--listen", "127.0.0.1", "--port", port,
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", dataDir, "--config", config);
        await server.WaitForReadyAsync();
        var url = $"ftp://127.0.0.1:{port}/";

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var wrong = await CurlAsync("--interface", "127.0.0.1", "-u", "bob:wrong", url);
            Assert.True(wrong.ExitCode == 67, $"attempt {attempt}: {wrong.Describe()}");
        }

        // The sixth is answered 421 (curl reports any 421 as its exit code 28, "timeout").
        var sixth = await CurlAsync("-v", "--interface", "127.0.0.1", "-u", "bob:wrong", url);
        Assert.True(sixth.StdErr.Contains("< 421 Too many failed logins from your address", StringComparison.Ordinal), sixth.Describe());

        var refused = await CurlAsync("-v", "--interface", "127.0.0.1", "-u", "bob:the right password", url);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("< 421 Too many failed logins from your address", refused.StdErr, StringComparison.Ordinal);

        var neighbour = (await CurlAsync("--interface", "127.0.0.2", "-u", "bob:the right password", url + "hello.txt")).AssertSuccess();
        Assert.Equal("hi", neighbour.StdOut);

        // One line per ban, with the address where fail2ban's <HOST> expects it.
        Assert.Matches(@"Banned 127\.0\.0\.1 \(network 127\.0\.0\.1/32\) until \S+ \S+ after 6 failed logins", await server.OutputWithAsync("Banned 127.0.0.1"));
        Assert.Matches(@"failed login for ""bob"" from 127\.0\.0\.1", server.Output);

        // And fail2ban's own tool, with the filter we ship, finds the six failures and the ban.
        var log = Path.Combine(_folder, "ferry.log");
        await File.WriteAllTextAsync(log, server.Output);
        var filter = RepositoryPaths.Combine("packaging", "fail2ban", "filter.d", "ferry.conf");
        var check = (await ClientProcess.RunAsync("fail2ban-regex", [log, filter])).AssertSuccess();
        Assert.Matches(@"\|\s+1\) \[6\] .*failed login", check.StdOut);
        Assert.Matches(@"\|\s+2\) \[1\] .*Banned", check.StdOut);
    }

    private static Task<ClientResult> CurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["--silent", "--show-error", "--max-time", "20", .. arguments]);

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
