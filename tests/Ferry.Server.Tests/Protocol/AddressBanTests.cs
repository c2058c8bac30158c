using System.Net;
using Ferry.Server.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Protocol;

/// <summary>
/// Automatic bans: enough failed logins from one address within the window ban it; a banned
/// address gets 421 at connect and at PASS; other addresses, the allow-list and sessions already
/// logged in are untouched; the ban ends on time. Other clients come from 127.0.0.2 (all of
/// 127/8 is loopback).
/// </summary>
public sealed class AddressBanTests
{
    private static readonly IPAddress Attacker = IPAddress.Loopback;
    private static readonly IPAddress Neighbour = IPAddress.Parse("127.0.0.2");

    private static Task<TestServer> StartAsync(FakeTimeProvider? time = null, Action<FtpServerOptions>? configure = null) =>
        TestServer.StartAsync(options =>
        {
            options.MaxLoginAttempts = 3;
            options.BanFailedLogins = 6;
            options.BanWindow = TimeSpan.FromMinutes(10);
            options.BanDuration = TimeSpan.FromHours(1);
            options.BanAllowList = []; // the tests ban loopback, which the default allow-list exempts
            configure?.Invoke(options);
        }, time: time);

    /// <summary>Two connections' worth of wrong passwords: 530, 530, 421 (per-connection cap), then 530, 530 and the ban's 421.</summary>
    private static async Task FailSixTimesAsync(TestServer server, IPAddress from)
    {
        await using (var first = await server.ConnectAsync(login: false, from: from))
        {
            await FailAsync(first, 530);
            await FailAsync(first, 530);
            await FailAsync(first, 421);
        }

        await using var second = await server.ConnectAsync(login: false, from: from);
        await FailAsync(second, 530);
        await FailAsync(second, 530);
        var ban = await FailAsync(second, 421);
        Assert.Contains("Too many failed logins from your address", ban.Text, StringComparison.Ordinal);
        Assert.True(await second.IsClosedByServerAsync());
    }

    private static async Task<FtpReplyText> FailAsync(WireClient ftp, int expected)
    {
        await ftp.CommandAsync("USER alice", 331);
        return await ftp.CommandAsync("PASS wrong", expected);
    }

    private static async Task<FtpReplyText> GreetingAsync(TestServer server, IPAddress from)
    {
        await using var ftp = await WireClient.ConnectAsync(server.EndPoint, from);
        var greeting = await ftp.ReadReplyAsync();
        if (greeting.Code == 421)
        {
            Assert.True(await ftp.IsClosedByServerAsync());
        }

        return greeting;
    }

    [Fact]
    public async Task The_sixth_failed_login_bans_the_address_and_others_still_log_in()
    {
        await using var server = await StartAsync();
        await using var loggedInBefore = await server.ConnectAsync(from: Attacker);

        await FailSixTimesAsync(server, Attacker);

        var refused = await GreetingAsync(server, Attacker);
        Assert.Equal(421, refused.Code);
        Assert.Contains("refused until", refused.Text, StringComparison.Ordinal);

        await using var neighbour = await server.ConnectAsync(from: Neighbour);
        await neighbour.CommandAsync("PWD", 257);

        // A session that had logged in before the ban goes on working.
        await loggedInBefore.CommandAsync("PWD", 257);
        await server.WaitForSessionsAsync(2);
    }

    [Fact]
    public async Task A_session_opened_before_the_ban_gets_421_at_its_next_PASS_even_with_the_right_password()
    {
        await using var server = await StartAsync();
        await using var waiting = await server.ConnectAsync(login: false, from: Attacker);

        await FailSixTimesAsync(server, Attacker);

        await waiting.CommandAsync("USER alice", 331);
        await waiting.CommandAsync("PASS " + TestServer.Password, 421);
        Assert.True(await waiting.IsClosedByServerAsync());
    }

    [Fact]
    public async Task The_ban_ends_after_BanDuration()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartAsync(time, options => options.BanDuration = TimeSpan.FromMinutes(30));
        await FailSixTimesAsync(server, Attacker);

        time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(421, (await GreetingAsync(server, Attacker)).Code);

        time.Advance(TimeSpan.FromMinutes(1));
        await using var back = await server.ConnectAsync(from: Attacker);
        await back.CommandAsync("PWD", 257);
    }

    [Fact]
    public async Task Failures_older_than_the_window_do_not_count()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartAsync(time, options => options.BanWindow = TimeSpan.FromMinutes(10));
        await using (var early = await server.ConnectAsync(login: false, from: Attacker))
        {
            await FailAsync(early, 530);
            await FailAsync(early, 530);
            await FailAsync(early, 421);
        }

        time.Advance(TimeSpan.FromMinutes(11));
        await using var late = await server.ConnectAsync(login: false, from: Attacker);
        await FailAsync(late, 530);
        await FailAsync(late, 530);

        // Only 5 failures are within the window: this one is the connection's third (421), not a ban.
        var reply = await FailAsync(late, 421);
        Assert.DoesNotContain("Too many failed logins from your address", reply.Text, StringComparison.Ordinal);
        Assert.Equal(220, (await GreetingAsync(server, Attacker)).Code);
    }

    [Fact]
    public async Task An_allow_listed_address_is_never_banned()
    {
        await using var server = await StartAsync(configure: options => options.BanAllowList = ["127.0.0.0/30"]);
        for (var connection = 0; connection < 3; connection++)
        {
            await using var ftp = await server.ConnectAsync(login: false, from: Attacker);
            await FailAsync(ftp, 530);
            await FailAsync(ftp, 530);
            await FailAsync(ftp, 421);
        }

        await using var still = await server.ConnectAsync(from: Attacker);
        await still.CommandAsync("PWD", 257);
    }

    [Fact]
    public async Task Loopback_is_not_banned_by_default_and_reaching_the_threshold_is_logged_once()
    {
        var log = new RecordingLog();
        await using var server = await TestServer.StartAsync(options =>
        {
            options.MaxLoginAttempts = 3;
            options.BanFailedLogins = 6;
            options.BanAllowList = new FtpServerOptions().BanAllowList; // the default, whatever TestServer sets
        }, log: log);

        // Twelve failures: twice the threshold, within one window.
        for (var connection = 0; connection < 4; connection++)
        {
            await using var ftp = await server.ConnectAsync(login: false, from: Attacker);
            await FailAsync(ftp, 530);
            await FailAsync(ftp, 530);
            var third = await FailAsync(ftp, 421);
            Assert.DoesNotContain("Too many failed logins from your address", third.Text, StringComparison.Ordinal);
        }

        await using var still = await server.ConnectAsync(from: Attacker);
        await still.CommandAsync("PWD", 257);
        Assert.Empty(log.Messages(1006));
        var warning = Assert.Single(log.Messages(8000));
        Assert.Equal("127.0.0.1 reached 6 failed logins within 00:10:00 and would have been banned; allow-listed by BanAllowList", warning);
        Assert.Equal(LogLevel.Warning, log.Entries.First(entry => entry.EventId == 8000).Level);
    }

    [Fact]
    public async Task BanFailedLogins_zero_turns_bans_off()
    {
        await using var server = await StartAsync(configure: options => options.BanFailedLogins = 0);
        for (var connection = 0; connection < 3; connection++)
        {
            await using var ftp = await server.ConnectAsync(login: false, from: Attacker);
            await FailAsync(ftp, 530);
            await FailAsync(ftp, 530);
            await FailAsync(ftp, 421);
        }

        Assert.Equal(220, (await GreetingAsync(server, Attacker)).Code);
    }
}
