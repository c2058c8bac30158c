using System.Net;
using System.Net.Sockets;
using System.Text;
using Ferry.Server.Tests.Robustness;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Security;

/// <summary>
/// Data connection theft: a passive port announced to one client is reachable by anyone, so a
/// connection from any other address must be dropped without data, and must not use up the
/// one connection the listener takes.
/// </summary>
public sealed class PassiveTheftTests
{
    private static readonly IPAddress Thief = IPAddress.Parse("127.0.0.2");

    [Theory]
    [InlineData("EPSV")]
    [InlineData("PASV")]
    [VerbTest("EPSV", "PASV", "RETR")]
    public async Task A_thief_connecting_first_gets_nothing_and_the_client_still_downloads(string verb)
    {
        await using var server = await TestServer.StartAsync();
        var payload = new byte[300_000];
        new Random(7).NextBytes(payload);
        await File.WriteAllBytesAsync(server.PathOf("file.bin"), payload);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var port = await AnnounceAsync(ftp, verb);
        using var thief = await Probe.ConnectFromAsync(Thief, IPAddress.Loopback, port);
        var (stolenBeforeRetr, thiefClosed) = await Probe.DrainAsync(thief, TimeSpan.FromSeconds(5));
        Assert.True(thiefClosed, "the server kept the connection from 127.0.0.2 open");
        Assert.Empty(stolenBeforeRetr);

        // A second thief, after the command: still nothing.
        await ftp.SendAsync("RETR file.bin");
        using var thief2 = await Probe.ConnectFromAsync(Thief, IPAddress.Loopback, port);
        var (stolenDuringRetr, thief2Closed) = await Probe.DrainAsync(thief2, TimeSpan.FromSeconds(5));
        Assert.True(thief2Closed, "the server kept the second connection from 127.0.0.2 open");
        Assert.Empty(stolenDuringRetr);

        using var data = await Probe.ConnectFromAsync(IPAddress.Loopback, IPAddress.Loopback, port);
        await ftp.ExpectAsync(150);
        var (received, ended) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
        Assert.True(ended);
        Assert.Equal(payload, received);
        await ftp.ExpectAsync(226);
    }

    [Fact]
    [VerbTest("EPSV", "STOR")]
    public async Task Bytes_a_thief_sends_are_never_stored()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var port = Probe.EpsvPort(await ftp.CommandAsync("EPSV", 229));
        using (var thief = await Probe.ConnectFromAsync(Thief, IPAddress.Loopback, port))
        {
            try
            {
                await thief.SendAsync(Encoding.ASCII.GetBytes("EVIL CONTENT"), SocketFlags.None);
            }
            catch (SocketException)
            {
                // Already dropped: fine.
            }

            var (_, closed) = await Probe.DrainAsync(thief, TimeSpan.FromSeconds(5));
            Assert.True(closed);
        }

        await ftp.SendAsync("STOR upload.txt");
        using (var data = await Probe.ConnectFromAsync(IPAddress.Loopback, IPAddress.Loopback, port))
        {
            await ftp.ExpectAsync(150);
            await data.SendAsync(Encoding.ASCII.GetBytes("good content"), SocketFlags.None);
            data.Shutdown(SocketShutdown.Send);
            await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
        }

        await ftp.ExpectAsync(226);
        Assert.Equal("good content", await File.ReadAllTextAsync(server.PathOf("upload.txt")));
    }

    [Fact]
    [VerbTest("EPSV", "RETR")]
    public async Task A_thief_arriving_after_the_client_cannot_join_the_transfer()
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(server.PathOf("file.txt"), "payload");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var port = Probe.EpsvPort(await ftp.CommandAsync("EPSV", 229));
        using var data = await Probe.ConnectFromAsync(IPAddress.Loopback, IPAddress.Loopback, port);
        // Give the server a moment to accept the client's connection and close its listener.
        var listenerGone = await Probe.EventuallyAsync(() => !Probe.ListeningLoopbackPorts().Contains(port), TimeSpan.FromSeconds(5));
        Assert.True(listenerGone, "the passive listener still listens after its one connection was accepted");

        byte[] stolen = [];
        try
        {
            using var thief = await Probe.ConnectFromAsync(Thief, IPAddress.Loopback, port);
            (stolen, _) = await Probe.DrainAsync(thief, TimeSpan.FromSeconds(3));
        }
        catch (SocketException)
        {
            // Refused: what a closed listener gives.
        }

        await ftp.SendAsync("RETR file.txt");
        await ftp.ExpectAsync(150);
        var (received, _) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
        await ftp.ExpectAsync(226);
        Assert.Equal("payload", Encoding.UTF8.GetString(received));
        Assert.Empty(stolen);
    }

    [Fact]
    [VerbTest("EPSV", "RETR")]
    public async Task A_flood_of_thief_connections_does_not_lock_the_client_out()
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(server.PathOf("file.txt"), "payload");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var port = Probe.EpsvPort(await ftp.CommandAsync("EPSV", 229));

        var stolen = 0L;
        var thieves = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                try
                {
                    using var thief = await Probe.ConnectFromAsync(Thief, IPAddress.Loopback, port);
                    var (data, _) = await Probe.DrainAsync(thief, TimeSpan.FromSeconds(5));
                    Interlocked.Add(ref stolen, data.Length);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    // Refused or timed out: the listener is gone or busy, which is fine.
                }
            }
        })).ToArray();

        await Task.Delay(50);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var data = await Probe.ConnectFromAsync(IPAddress.Loopback, IPAddress.Loopback, port);
        await ftp.CommandAsync("RETR file.txt", 150);
        var (received, _) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
        await ftp.ExpectAsync(226);
        Assert.Equal("payload", Encoding.UTF8.GetString(received));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the client needed {clock.Elapsed} to get its data");
        await Task.WhenAll(thieves).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, Interlocked.Read(ref stolen));
    }

    private static async Task<int> AnnounceAsync(WireClient ftp, string verb) => verb == "PASV"
        ? Probe.PasvPort(await ftp.CommandAsync("PASV", 227))
        : Probe.EpsvPort(await ftp.CommandAsync("EPSV", 229));
}
