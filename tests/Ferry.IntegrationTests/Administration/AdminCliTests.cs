using System.Net;
using Ferry.IntegrationTests.Host;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Administration;

/// <summary>
/// `ferry who`, `kick`, `ban` and `status` against a real `ferry serve`, over its admin socket
/// with the token it wrote (no Operations:Listen at all), while a real FTP session is connected.
/// </summary>
public sealed class AdminCliTests
{
    private static async Task<FerryProcess> CliAsync(ServeHarness harness, params string[] arguments)
    {
        var run = await FerryProcess.RunAsync(null, [.. arguments, "--config", harness.ConfigFile]);
        return run;
    }

    [Fact]
    public async Task Who_lists_a_session_kick_by_user_disconnects_it_and_status_names_the_listener()
    {
        await using var harness = await ServeHarness.CreateAsync("cli-who");
        harness.WriteConfig();
        await harness.StartAsync();
        await using var ftp = await harness.LoginAsync();

        var who = await CliAsync(harness, "who");
        Assert.True(who.ExitCode == 0, who.Errors);
        var row = Assert.Single(who.Output.Split('\n'), line => line.Contains(ServeHarness.UserName, StringComparison.Ordinal));
        Assert.Contains("127.0.0.1", row, StringComparison.Ordinal);
        Assert.Contains("PASS", row, StringComparison.Ordinal);
        Assert.Contains("1 session.", who.Output, StringComparison.Ordinal);

        var status = await CliAsync(harness, "status");
        Assert.True(status.ExitCode == 0, status.Errors);
        Assert.Contains($"127.0.0.1:{harness.Port}", status.Output, StringComparison.Ordinal);
        Assert.Contains("Sessions: 1", status.Output, StringComparison.Ordinal);

        var kick = await CliAsync(harness, "kick", "--user", ServeHarness.UserName);
        Assert.True(kick.ExitCode == 0, kick.Errors);
        Assert.Contains("Disconnected 1 session of bob.", kick.Output, StringComparison.Ordinal);
        var goodbye = await ftp.ExpectAsync(421);
        Assert.Contains("administrator", goodbye.Text, StringComparison.Ordinal);

        var missing = await CliAsync(harness, "kick", "999999");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("404", missing.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ban_add_refuses_the_address_list_shows_it_and_lift_lets_it_back_in()
    {
        await using var harness = await ServeHarness.CreateAsync("cli-ban");
        harness.WriteConfig();
        await harness.StartAsync();

        var add = await CliAsync(harness, "ban", "add", "127.0.0.1", "--for", "10m", "--reason", "testing the ban");
        Assert.True(add.ExitCode == 0, add.Errors);
        Assert.Contains("Banned 127.0.0.1/32 until", add.Output, StringComparison.Ordinal);

        await using (var refused = await WireClient.ConnectAsync(harness.EndPoint))
        {
            var greeting = await refused.ReadReplyAsync();
            Assert.Equal(421, greeting.Code);
            Assert.Contains("banned by the server administrator", greeting.Text, StringComparison.Ordinal);
        }

        var list = await CliAsync(harness, "ban", "list");
        Assert.True(list.ExitCode == 0, list.Errors);
        var row = Assert.Single(list.Output.Split('\n'), line => line.Contains("127.0.0.1/32", StringComparison.Ordinal));
        Assert.Contains("admin", row, StringComparison.Ordinal);
        Assert.Contains("testing the ban", row, StringComparison.Ordinal);

        var lift = await CliAsync(harness, "ban", "lift", "127.0.0.1");
        Assert.True(lift.ExitCode == 0, lift.Errors);
        await using var back = await harness.LoginAsync();
        await back.CommandAsync("NOOP", 200);
        Assert.Contains("No bans.", (await CliAsync(harness, "ban", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_running_server_or_with_a_bad_argument_each_command_says_so_in_one_line()
    {
        await using var harness = await ServeHarness.CreateAsync("cli-none");
        harness.WriteConfig();

        var who = await CliAsync(harness, "who");
        Assert.Equal(1, who.ExitCode);
        Assert.Contains("no running server found", who.Errors, StringComparison.Ordinal);
        Assert.Single(who.Errors.Trim().Split('\n'));

        var badAddress = await CliAsync(harness, "ban", "add", "not-an-address");
        Assert.Equal(2, badAddress.ExitCode);
        Assert.Contains("'not-an-address' is not an IPv4 or IPv6 address", badAddress.Errors, StringComparison.Ordinal);

        var badDuration = await CliAsync(harness, "ban", "add", IPAddress.Loopback.ToString(), "--for", "soon");
        Assert.Equal(2, badDuration.ExitCode);
        Assert.Contains("--for: 'soon'", badDuration.Errors, StringComparison.Ordinal);

        var both = await CliAsync(harness, "kick", "3", "--user", "bob");
        Assert.Equal(2, both.ExitCode);
    }
}
