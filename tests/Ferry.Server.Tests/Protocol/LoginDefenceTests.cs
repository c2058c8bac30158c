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
