using Ferry.Server.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Protocol;

/// <summary>Idle and login timeouts, on a fake clock (no test sleeps for minutes).</summary>
public sealed class IdleTimeoutTests
{
    [Fact]
    public async Task A_quiet_logged_in_session_gets_421_after_the_idle_timeout_and_commands_reset_it()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(options => options.IdleTimeout = TimeSpan.FromSeconds(300), time: time);
        await using var ftp = await server.ConnectAsync();

        time.Advance(TimeSpan.FromSeconds(250));
        await ftp.CommandAsync("NOOP", 200);
        time.Advance(TimeSpan.FromSeconds(250));
        await ftp.CommandAsync("NOOP", 200);

        time.Advance(TimeSpan.FromSeconds(301));
        var reply = await ftp.ExpectAsync(421);
        Assert.Contains("Idle timeout", reply.Text, StringComparison.Ordinal);
        Assert.True(await ftp.IsClosedByServerAsync());
        await server.WaitForSessionsAsync(0);
    }

    [Fact]
    public async Task A_session_that_never_logs_in_gets_421_after_the_login_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(options => options.LoginTimeout = TimeSpan.FromSeconds(60), time: time);
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER alice", 331);
        time.Advance(TimeSpan.FromSeconds(61));
        var reply = await ftp.ExpectAsync(421);
        Assert.Contains("Login timeout", reply.Text, StringComparison.Ordinal);
        await server.WaitForSessionsAsync(0);
    }

    [Fact]
    public async Task A_running_transfer_keeps_the_session_open_past_the_idle_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(options =>
        {
            options.IdleTimeout = TimeSpan.FromSeconds(300);
            options.DataStallTimeout = TimeSpan.FromDays(1);
        }, time: time);
        await using var ftp = await server.ConnectAsync();
        using var data = await Commands.DataHelpers.StartLargeDownloadAsync(server, ftp);

        // The NOOP's answer means the command loop has moved past RETR, so the transfer is
        // registered; only then does the fake clock jump (a real one cannot jump 400 s at once).
        await ftp.CommandAsync("NOOP", 200);

        // The client reads nothing, so the download cannot finish; the session must stay anyway.
        time.Advance(TimeSpan.FromSeconds(400));
        await ftp.CommandAsync("NOOP", 200);
        await ftp.CommandAsync("ABOR", 426);
        await ftp.ExpectAsync(226);
        await ftp.CommandAsync("PWD", 257);
    }
}
