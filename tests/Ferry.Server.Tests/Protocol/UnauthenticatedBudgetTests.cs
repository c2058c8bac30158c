using System.Diagnostics;
using System.Net;
using System.Text;
using Ferry.Server.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Protocol;

/// <summary>
/// Issue 11, finding 6: connections that never finish a command line must not take the places of
/// users who log in. MaxUnauthenticatedSessions (oldest silent connection makes room),
/// MaxUnauthenticatedSessionsPerAddress (421) and FirstCommandTimeout (421 at the deadline).
/// Other loopback addresses (127.0.0.2, ...) act as other clients.
/// </summary>
public sealed class UnauthenticatedBudgetTests
{
    [Fact]
    public async Task A_slowloris_from_many_addresses_leaves_room_for_a_login_and_is_closed_at_the_first_command_deadline()
    {
        var deadline = TimeSpan.FromSeconds(3);
        await using var server = await TestServer.StartAsync(options =>
        {
            options.MaxSessions = 6;
            options.MaxUnauthenticatedSessions = 3;
            options.MaxUnauthenticatedSessionsPerAddress = 2;
            options.FirstCommandTimeout = deadline;
        });

        // Six connections from three addresses, each greeted and then sending half a line: twice
        // the budget, and as many as MaxSessions, which is what filled the server before.
        var slow = new List<(WireClient Client, Stopwatch Since)>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var client = await WireClient.ConnectAsync(server.EndPoint, IPAddress.Parse($"127.0.0.{2 + (i / 2)}"));
                var since = Stopwatch.StartNew();
                await client.ExpectAsync(220);
                await client.SendRawAsync(Encoding.ASCII.GetBytes("USER slo"));
                slow.Add((client, since));
            }

            // The newer three took the places of the older three, which were closed at once.
            foreach (var (client, _) in slow.Take(3))
            {
                Assert.Contains("closing the oldest", (await client.ExpectAsync(421)).Text, StringComparison.Ordinal);
                Assert.True(await client.IsClosedByServerAsync());
            }

            await server.WaitForSessionsAsync(3);

            // A real client still gets in (taking the place of the oldest silent one) and logs in.
            await using (var user = await server.ConnectAsync())
            {
                await user.CommandAsync("NOOP", 200);
                await user.CommandAsync("PWD", 257);
                Assert.Contains("closing the oldest", (await slow[3].Client.ExpectAsync(421)).Text, StringComparison.Ordinal);
            }

            // The rest are closed at the first-command deadline, not at LoginTimeout (60 s).
            foreach (var (client, since) in slow.Skip(4))
            {
                var reply = await client.ExpectAsync(421);
                Assert.Contains("No command within 3 s", reply.Text, StringComparison.Ordinal);
                Assert.InRange(since.Elapsed, deadline - TimeSpan.FromMilliseconds(300), deadline + TimeSpan.FromSeconds(5));
                Assert.True(await client.IsClosedByServerAsync());
            }

            await server.WaitForSessionsAsync(0);
        }
        finally
        {
            foreach (var (client, _) in slow)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_slowloris_from_one_address_gets_421_past_its_own_budget_and_logged_in_sessions_do_not_count()
    {
        await using var server = await TestServer.StartAsync(options =>
        {
            options.MaxSessions = 10;
            options.MaxUnauthenticatedSessions = 10;
            options.MaxUnauthenticatedSessionsPerAddress = 3;
        });
        var from = IPAddress.Parse("127.0.0.2");
        var clients = new List<WireClient>();
        try
        {
            // Two logged-in sessions from that address leave its not-logged-in budget whole.
            for (var i = 0; i < 2; i++)
            {
                clients.Add(await server.ConnectAsync(from: from));
            }

            for (var i = 0; i < 3; i++)
            {
                var silent = await WireClient.ConnectAsync(server.EndPoint, from);
                clients.Add(silent);
                await silent.ExpectAsync(220);
                await silent.SendRawAsync(Encoding.ASCII.GetBytes("US"));
            }

            // More from the same address: refused, as many times as tried (before, they filled MaxSessions).
            for (var i = 0; i < 7; i++)
            {
                await using var extra = await WireClient.ConnectAsync(server.EndPoint, from);
                Assert.Contains("from your address that have not logged in (at most 3)", (await extra.ExpectAsync(421)).Text, StringComparison.Ordinal);
                Assert.True(await extra.IsClosedByServerAsync());
            }

            // Another address logs in; the logged-in sessions of the first one work on.
            await using var other = await server.ConnectAsync(from: IPAddress.Parse("127.0.0.3"));
            await other.CommandAsync("PWD", 257);
            await clients[0].CommandAsync("NOOP", 200);

            // Logging out (REIN) counts the session as not logged in again, over the budget: it is
            // not cut off, but the address has no room for a new connection until it logs in again.
            await clients[1].CommandAsync("REIN", 220);
            await clients[1].CommandAsync("NOOP", 200);
            await clients[1].LoginAsync(TestServer.UserName, TestServer.Password);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        await server.WaitForSessionsAsync(0);
    }

    [Fact]
    public async Task The_first_command_deadline_closes_a_silent_connection_and_ends_with_the_first_command()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(options => options.FirstCommandTimeout = TimeSpan.FromSeconds(15), time: time);

        await using var talking = await server.ConnectAsync(login: false);
        await talking.CommandAsync("FEAT", 211);
        await using var silent = await server.ConnectAsync(login: false);
        await silent.SendRawAsync(Encoding.ASCII.GetBytes("USER without a line end"));
        await server.WaitForSessionsAsync(2);

        time.Advance(TimeSpan.FromSeconds(16));
        Assert.Contains("No command within 15 s", (await silent.ExpectAsync(421)).Text, StringComparison.Ordinal);
        Assert.True(await silent.IsClosedByServerAsync());

        // The one that sent a command is held to LoginTimeout (60 s) only.
        await talking.CommandAsync("USER " + TestServer.UserName, 331);
        await talking.CommandAsync("PASS " + TestServer.Password, 230);
        await server.WaitForSessionsAsync(1);
    }

    [Fact]
    public async Task A_zero_first_command_timeout_turns_the_deadline_off()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(options => options.FirstCommandTimeout = TimeSpan.Zero, time: time);
        await using var silent = await server.ConnectAsync(login: false);
        time.Advance(TimeSpan.FromSeconds(30));
        await silent.CommandAsync("NOOP", 200);
    }
}
