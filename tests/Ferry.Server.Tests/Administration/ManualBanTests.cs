using System.Net;
using Ferry.Server.Tests.Diagnostics;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Administration;

/// <summary>
/// Bans an administrator sets and lifts (the admin API, `ferry ban`): they hold whatever the
/// automatic-ban settings and the allow-list say, disconnect the address's sessions, are listed
/// with their reason, and lifting one lets the address in again. Failed admin-API logins count
/// toward the same automatic ban as FTP's.
/// </summary>
public sealed class ManualBanTests
{
    [Fact]
    public async Task A_manual_ban_disconnects_the_address_refuses_it_at_connect_and_lifting_it_lets_it_in()
    {
        var events = new RecordingEventSink();

        // The defaults of TestServer: automatic bans off, and loopback on the allow-list.
        await using var server = await TestServer.StartAsync([events]);
        await using var before = await server.ConnectAsync();

        var ban = await server.Server.BanAsync(IPAddress.Loopback, TimeSpan.FromHours(1), "scanning the server");

        Assert.Equal("127.0.0.1/32", ban.Network);
        Assert.True(ban.Manual);
        var goodbye = await before.ExpectAsync(421);
        Assert.Contains("administrator", goodbye.Text, StringComparison.Ordinal);
        Assert.True(server.Server.IsBanned(IPAddress.Loopback));
        var listed = Assert.Single(server.Server.ListBans());
        Assert.Equal("scanning the server", listed.Reason);
        Assert.Equal(ban.BannedUntil, listed.BannedUntil);
        var raised = Assert.Single(events.Bans);
        Assert.True(raised.Manual);

        await using (var refused = await WireClient.ConnectAsync(server.EndPoint))
        {
            var reply = await refused.ReadReplyAsync();
            Assert.Equal(421, reply.Code);
            Assert.Contains("banned by the server administrator", reply.Text, StringComparison.Ordinal);
        }

        // Another loopback address is another client: not banned.
        await using (var neighbour = await server.ConnectAsync(from: IPAddress.Parse("127.0.0.2")))
        {
            await neighbour.CommandAsync("NOOP", 200);
        }

        Assert.True(server.Server.LiftBan(IPAddress.Loopback));
        Assert.Empty(server.Server.ListBans());
        Assert.False(server.Server.LiftBan(IPAddress.Loopback));
        await using var after = await server.ConnectAsync();
        await after.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task Failed_logins_reported_from_outside_FTP_count_toward_the_same_ban()
    {
        var events = new RecordingEventSink();
        await using var server = await TestServer.StartAsync([events], options =>
        {
            options.BanFailedLogins = 3;
            options.BanAllowList = [];
        });

        Assert.Null(server.Server.RecordFailedLogin(IPAddress.Loopback));
        Assert.Null(server.Server.RecordFailedLogin(IPAddress.Loopback));
        await using (var ftp = await server.ConnectAsync(login: false))
        {
            // The third failure is an FTP one: the same count.
            await ftp.CommandAsync("USER alice", 331);
            await ftp.CommandAsync("PASS wrong", 421);
        }

        Assert.True(server.Server.IsBanned(IPAddress.Loopback));
        var ban = Assert.Single(server.Server.ListBans());
        Assert.False(ban.Manual);
        Assert.Equal("failed logins", ban.Reason);
        Assert.False(Assert.Single(events.Bans).Manual);
        Assert.Single(events.Logins, login => !login.Succeeded && login.User == "alice");
    }
}
