using Ferry.Server.Security;
using Ferry.Server.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Protocol;

/// <summary>A pause before each failed-login reply, and a cap on failed logins per connection.</summary>
public sealed class LoginDefenceTests
{
    [Fact]
    public async Task A_failed_login_is_answered_only_after_the_delay()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(options => options.FailedLoginDelay = TimeSpan.FromSeconds(2), time: time);
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER alice", 331);
        await ftp.SendAsync("PASS wrong");
        var reply = ftp.ReadReplyAsync();

        // On the fake clock the pause has not passed, however long the test waits in real time.
        await Task.Delay(300);
        Assert.False(reply.IsCompleted);

        // Advance until the reply comes (bounded): on a slow machine the server may reach its pause
        // only after the first step.
        for (var step = 0; step < 100 && !reply.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await Task.WhenAny(reply, Task.Delay(50));
        }

        Assert.Equal(530, (await reply).Code);
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
    }

    [Fact]
    public async Task A_failed_login_is_answered_at_the_same_moment_whatever_the_accounts_hash_costs()
    {
        // A stored hash that costs at least 700 ms to check here (doubling until it does), against
        // the dummy check of a missing account (PBKDF2 at 100,000 iterations, 30-200 ms): without
        // counting the pause from the PASS, the replies would differ by the difference.
        await using var server = await TestServer.StartAsync(options => options.FailedLoginDelay = TimeSpan.FromSeconds(4));
        await server.AddUserAsync("slow", "its password", UserPermissions.All);
        var slow = (await server.Users.FindAsync("slow", CancellationToken.None))!;
        var iterations = 200_000;
        var hashCost = TimeSpan.Zero;
        for (var attempt = 0; attempt < 8 && hashCost < TimeSpan.FromMilliseconds(700); attempt++, iterations *= 2)
        {
            slow = slow with { PasswordHash = PasswordHasher.Hash("its password", iterations) };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            PasswordHasher.Verify("wrong", slow.PasswordHash);
            hashCost = clock.Elapsed;
        }

        Assert.True(hashCost >= TimeSpan.FromMilliseconds(700), $"the slow hash took only {hashCost.TotalMilliseconds:0} ms");
        await server.Users.UpdateAsync(slow, CancellationToken.None);

        var existing = FailedReplyTimeAsync(server, "slow");
        var missing = FailedReplyTimeAsync(server, "nobody-by-this-name");
        var (a, b) = (await existing, await missing);
        Assert.True(Math.Abs((a - b).TotalMilliseconds) < 250,
            $"a wrong password took {a.TotalMilliseconds:0} ms, a missing account {b.TotalMilliseconds:0} ms (the hash costs {hashCost.TotalMilliseconds:0} ms)");
        Assert.True(a >= TimeSpan.FromSeconds(3.9) && b >= TimeSpan.FromSeconds(3.9), $"{a}, {b}");
    }

    private static async Task<TimeSpan> FailedReplyTimeAsync(TestServer server, string user)
    {
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER " + user, 331);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await ftp.CommandAsync("PASS wrong", 530);
        return clock.Elapsed;
    }

    [Fact]
    public async Task The_third_failed_login_gets_421_and_the_connection_is_closed()
    {
        await using var server = await TestServer.StartAsync(options =>
        {
            options.FailedLoginDelay = TimeSpan.Zero;
            options.MaxLoginAttempts = 3;
        });
        await using var ftp = await server.ConnectAsync(login: false);
        for (var i = 0; i < 2; i++)
        {
            await ftp.CommandAsync("USER alice", 331);
            await ftp.CommandAsync("PASS wrong", 530);
        }

        await ftp.CommandAsync("USER alice", 331);
        await ftp.CommandAsync("PASS wrong", 421);
        Assert.True(await ftp.IsClosedByServerAsync());

        // Another connection starts with a clean count.
        await using var next = await server.ConnectAsync();
        await next.CommandAsync("NOOP", 200);
    }
}
