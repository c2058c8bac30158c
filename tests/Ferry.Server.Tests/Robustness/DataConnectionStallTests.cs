using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Robustness;

/// <summary>Data connections that never come, and clients that pipeline far ahead of the replies: bounded waits, no lost replies.</summary>
public sealed class DataConnectionStallTests
{
    [Theory]
    [InlineData("EPSV")]
    [InlineData("PASV")]
    [VerbTest("EPSV", "PASV", "RETR")]
    public async Task A_passive_connection_that_never_comes_gets_425_after_the_timeout(string verb)
    {
        await using var server = await TestServer.StartAsync(o => o.DataConnectionTimeout = TimeSpan.FromSeconds(1));
        await File.WriteAllTextAsync(server.PathOf("file.txt"), "payload");
        await using var ftp = await server.ConnectAsync();

        await ftp.CommandAsync(verb, verb == "PASV" ? 227 : 229);
        var clock = Stopwatch.StartNew();
        await ftp.SendAsync("RETR file.txt");
        var first = await ftp.ReadReplyAsync();
        var final = first.Code == 150 ? await ftp.ReadReplyAsync() : first;
        Assert.Equal(425, final.Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"425 took {clock.Elapsed}");
        await ftp.CommandAsync("NOOP", 200);

        // And the session can still transfer.
        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("RETR file.txt", 150);
        var (received, _) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
        await ftp.ExpectAsync(226);
        Assert.Equal("payload", Encoding.UTF8.GetString(received));
    }

    [Fact]
    [VerbTest("PORT", "RETR")]
    public async Task An_active_target_that_does_not_answer_gets_425_quickly()
    {
        await using var server = await TestServer.StartAsync(o => o.DataConnectionTimeout = TimeSpan.FromSeconds(1));
        await File.WriteAllTextAsync(server.PathOf("file.txt"), "payload");
        // A port held bound but not listening for the whole test: nothing answers there, and no
        // parallel test's listener can take it (a port let go at once was taken, and answered, once).
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;

        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync($"PORT 127,0,0,1,{port >> 8},{port & 0xFF}", 200);
        var clock = Stopwatch.StartNew();
        await ftp.CommandAsync("RETR file.txt", 425);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"425 took {clock.Elapsed}");
        await ftp.CommandAsync("NOOP", 200);
        await ftp.CommandAsync("QUIT", 221);
        await Probe.AssertNoSessionsAsync(server);
    }

    [Fact]
    [VerbTest("NOOP")]
    public async Task Thousands_of_pipelined_commands_each_get_their_reply_in_order()
    {
        const int count = 20_000;
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();

        var batch = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            batch.Append(i % 100 == 99 ? "PWD\r\n" : "NOOP\r\n");
        }

        // Send everything at once while reading: the server must apply backpressure, not drop replies.
        var sending = ftp.SendRawAsync(Encoding.ASCII.GetBytes(batch.ToString()));
        var clock = Stopwatch.StartNew();
        var read = 0;
        for (; read < count && clock.Elapsed < TimeSpan.FromSeconds(60); read++)
        {
            var reply = await ftp.ReadReplyAsync();
            Assert.True(reply.Code == (read % 100 == 99 ? 257 : 200), $"reply {read}: {reply}");
        }

        Assert.Equal(count, read);

        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        await ftp.CommandAsync("QUIT", 221);
    }
}
