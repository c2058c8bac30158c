using System.Net;
using System.Net.Sockets;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Robustness;

/// <summary>ABOR and QUIT racing a transfer that is starting or ending: always a coherent reply sequence, never a stuck or broken session.</summary>
public sealed class TransferRaceTests
{
    [Fact]
    [VerbTest("ABOR", "RETR")]
    public async Task Abor_pipelined_right_behind_retr_leaves_a_working_session_every_time()
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllBytesAsync(server.PathOf("small.bin"), new byte[10_000]);
        await using (var big = File.Create(server.PathOf("big.bin")))
        {
            big.SetLength(20 * 1024 * 1024);
        }

        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        for (var i = 0; i < 200; i++)
        {
            var name = i % 2 == 0 ? "small.bin" : "big.bin";
            using var data = await ftp.OpenPassiveAsync();
            await ftp.SendRawAsync(Probe.Ascii($"RETR {name}\r\nABOR\r\nNOOP\r\n"));
            var drain = Probe.DrainAsync(data, TimeSpan.FromSeconds(15));
            var codes = new List<int>();
            while (true)
            {
                var reply = await ftp.ReadReplyAsync();
                codes.Add(reply.Code);
                if (reply.Code == 200)
                {
                    break;
                }

                Assert.True(reply.Code is 150 or 225 or 226 or 426, $"cycle {i} ({name}): unexpected {reply}; so far {string.Join(',', codes)}");
                Assert.True(codes.Count <= 4, $"cycle {i}: too many replies: {string.Join(',', codes)}");
            }

            // Whatever the timing, the transfer got exactly one final reply and ABOR one of its own.
            var finals = codes.Count(c => c is 225 or 226 or 426);
            Assert.True(finals == 2, $"cycle {i} ({name}): replies {string.Join(',', codes)}");
            var (_, ended) = await drain;
            Assert.True(ended, $"cycle {i}: the data connection was left open");
        }

        await ftp.CommandAsync("QUIT", 221);
        await Probe.AssertNoSessionsAsync(server);
    }

    [Fact]
    [VerbTest("QUIT", "RETR")]
    public async Task Quit_during_a_transfer_gives_the_transfer_reply_then_221()
    {
        await using var server = await TestServer.StartAsync();
        var payload = new byte[2 * 1024 * 1024];
        new Random(3).NextBytes(payload);
        await File.WriteAllBytesAsync(server.PathOf("file.bin"), payload);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendRawAsync(Probe.Ascii("RETR file.bin\r\nQUIT\r\n"));
        var (received, _) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(15));
        await ftp.ExpectAsync(150);
        await ftp.ExpectAsync(226);
        await ftp.ExpectAsync(221);
        Assert.Equal(payload, received);
        Assert.True(await ftp.IsClosedByServerAsync());
        await Probe.AssertNoSessionsAsync(server);
    }

    [Fact]
    [VerbTest("EPSV")]
    public async Task Many_sessions_racing_for_a_two_port_passive_range_get_425_not_a_crash()
    {
        var (min, max) = FindTwoFreePorts();
        await using var server = await TestServer.StartAsync(o => o.PassivePorts = $"{min}-{max}");
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var third = await server.ConnectAsync();

        await first.CommandAsync("EPSV", 229);
        await second.CommandAsync("EPSV", 229);
        var full = await third.SendAndReadAsync("EPSV");
        Assert.True(full.Code == 425, $"a third listener on a two-port range: {full}");
        await third.CommandAsync("NOOP", 200);

        // ABOR frees the first session's port; then the third gets it.
        await first.CommandAsync("ABOR", 225);
        var port = Probe.EpsvPort(await third.CommandAsync("EPSV", 229));
        Assert.InRange(port, min, max);
    }

    private static (int Min, int Max) FindTwoFreePorts()
    {
        var random = new Random();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var min = random.Next(20000, 30000);
            using var a = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var b = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                a.Bind(new IPEndPoint(IPAddress.Loopback, min));
                b.Bind(new IPEndPoint(IPAddress.Loopback, min + 1));
                return (min, min + 1);
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no two free consecutive ports found");
    }
}
