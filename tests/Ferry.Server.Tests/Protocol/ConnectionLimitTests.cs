using System.Net.Sockets;
using Ferry.Server.Security;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Protocol;

/// <summary>MaxSessions, MaxSessionsPerAddress, MaxSessionsPerUser: 421 over the limit, the others unharmed, counts exact.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task The_session_over_the_per_address_limit_gets_421_and_the_first_ones_keep_working()
    {
        await using var server = await TestServer.StartAsync(options => options.MaxSessionsPerAddress = 3);
        var sessions = new List<WireClient>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add(await server.ConnectAsync());
        }

        await using (var extra = await WireClient.ConnectAsync(server.EndPoint))
        {
            var refused = await extra.ExpectAsync(421);
            Assert.Contains("your address", refused.Text, StringComparison.Ordinal);
            Assert.True(await extra.IsClosedByServerAsync());
        }

        foreach (var session in sessions)
        {
            await session.CommandAsync("NOOP", 200);
        }

        await sessions[0].CommandAsync("QUIT", 221);
        await sessions[0].DisposeAsync();
        await server.WaitForSessionsAsync(2);
        await using var again = await server.ConnectAsync();
        await again.CommandAsync("PWD", 257);
        foreach (var session in sessions.Skip(1))
        {
            await session.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_session_over_the_server_limit_gets_421()
    {
        await using var server = await TestServer.StartAsync(options => options.MaxSessions = 2);
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var third = await WireClient.ConnectAsync(server.EndPoint);
        Assert.Contains("Too many sessions on this server", (await third.ExpectAsync(421)).Text, StringComparison.Ordinal);
        await first.CommandAsync("NOOP", 200);
        await second.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task The_login_over_the_per_user_limit_gets_421_and_other_users_still_log_in()
    {
        await using var server = await TestServer.StartAsync(options => options.MaxSessionsPerUser = 2);
        await server.AddUserAsync("bob", "bob's password", UserPermissions.All);
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var third = await server.ConnectAsync(login: false);
        await third.CommandAsync("USER " + TestServer.UserName, 331);
        Assert.Contains("Too many sessions of user", (await third.CommandAsync("PASS " + TestServer.Password, 421)).Text, StringComparison.Ordinal);
        Assert.True(await third.IsClosedByServerAsync());
        await using var bob = await server.ConnectAsync(login: false);
        await bob.LoginAsync("bob", "bob's password");

        // Logging out frees the place.
        await first.CommandAsync("REIN", 220);
        await using var fourth = await server.ConnectAsync();
        await fourth.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task Counts_do_not_drift_over_three_thousand_sessions_ending_every_way()
    {
        await using var server = await TestServer.StartAsync(options => options.MaxSessionsPerAddress = 4);
        for (var i = 0; i < 3000; i++)
        {
            // Sessions end asynchronously: on a loaded machine the last few may still be closing,
            // and a fifth would rightly get 421. The address's count is released before the total
            // one, so a total below the limit means there is room.
            for (var wait = 0; server.Server.ActiveSessions >= 4 && wait < 5000; wait++)
            {
                await Task.Delay(1);
            }

            var client = await WireClient.ConnectAsync(server.EndPoint);
            switch (i % 3)
            {
                case 0:
                    await client.ExpectAsync(220);
                    await client.CommandAsync("QUIT", 221);
                    break;
                case 1:
                    // A reset without a word.
                    client.Socket.LingerState = new LingerOption(true, 0);
                    break;
                default:
                    await client.SendAsync("NOO");
                    break;
            }

            await client.DisposeAsync();
            if (i % 100 == 99)
            {
                await server.WaitForSessionsAsync(0);
            }
        }

        await server.WaitForSessionsAsync(0);
        var sessions = new List<WireClient>();
        for (var i = 0; i < 4; i++)
        {
            sessions.Add(await server.ConnectAsync());
        }

        foreach (var session in sessions)
        {
            await session.CommandAsync("NOOP", 200);
            await session.DisposeAsync();
        }
    }
}
