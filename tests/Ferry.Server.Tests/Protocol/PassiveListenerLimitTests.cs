using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Protocol;

/// <summary>
/// Issue 11, finding 6: sessions that send PASV and never connect must not hoard the passive
/// range. One listener per session (a new PASV/EPSV closes the old) and
/// MaxPassiveListenersPerAddress listeners not yet used by a transfer per client address.
/// </summary>
public sealed class PassiveListenerLimitTests
{
    private static readonly IPAddress Hoarder = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Other = IPAddress.Parse("127.0.0.3");

    [Fact]
    public async Task A_session_repeating_pasv_holds_one_listener_and_the_old_port_closes()
    {
        // A limit of one: if a repeated PASV kept its old listener (or counted it twice) the second would get 425.
        // A range of its own, below the ephemeral ports and apart from other tests' ranges: with
        // ports the OS picks, a parallel test's listener can take the old port number and accept
        // the connect that must be refused (seen once in a full run).
        await using var server = await TestServer.StartAsync(options =>
        {
            options.MaxPassiveListenersPerAddress = 1;
            options.PassivePorts = "30100-30199";
        });
        await using var ftp = await server.ConnectAsync();
        var previous = 0;
        for (var i = 0; i < 10; i++)
        {
            var port = i % 2 == 0 ? PasvPort(await ftp.CommandAsync("PASV", 227)) : EpsvPort(await ftp.CommandAsync("EPSV", 229));
            if (previous != 0 && previous != port)
            {
                var refused = await Assert.ThrowsAsync<SocketException>(() => ConnectDataAsync(IPAddress.Loopback, previous));
                Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            }

            previous = port;
        }

        // The last one is usable.
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ConnectDataAsync(IPAddress.Loopback, previous);
        await ftp.CommandAsync("LIST", 150);
        await WireClient.ReadAllAsync(data);
        await ftp.ExpectAsync(226);
    }

    [Fact]
    public async Task Pasv_hoarding_from_one_address_gets_425_while_another_address_still_transfers()
    {
        await using var server = await TestServer.StartAsync(options => options.MaxPassiveListenersPerAddress = 3);
        await File.WriteAllTextAsync(server.PathOf("hello.txt"), "hello\r\n");
        var hoarders = new List<WireClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                hoarders.Add(await server.ConnectAsync(from: Hoarder));
            }

            // Three sessions take one listener each, however often they ask.
            var ports = new int[3];
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < 3; i++)
                {
                    ports[i] = PasvPort(await hoarders[i].CommandAsync("PASV", 227));
                }
            }

            // The address's share is taken: 425, and the session goes on.
            var refused = await hoarders[3].CommandAsync("PASV", 425);
            Assert.Contains("from your address", refused.Text, StringComparison.Ordinal);
            await hoarders[3].CommandAsync("EPSV", 425);
            await hoarders[3].CommandAsync("NOOP", 200);

            // Another address is not affected: it gets its port and transfers.
            await using (var other = await server.ConnectAsync(from: Other))
            {
                var port = PasvPort(await other.CommandAsync("PASV", 227));
                using var data = await ConnectDataAsync(Other, port);
                await other.CommandAsync("RETR hello.txt", 150);
                Assert.Equal("hello\r\n", System.Text.Encoding.ASCII.GetString(await WireClient.ReadAllAsync(data)));
                await other.ExpectAsync(226);
            }

            // Connecting without a transfer still holds the port, so it still counts.
            using var held = await ConnectDataAsync(Hoarder, ports[0]);
            await hoarders[3].CommandAsync("PASV", 425);

            // Once a transfer has used a listener, or a session ends, its place is free.
            await hoarders[0].CommandAsync("LIST", 150);
            await WireClient.ReadAllAsync(held);
            await hoarders[0].ExpectAsync(226);
            await hoarders[3].CommandAsync("PASV", 227);
            await hoarders[3].CommandAsync("PASV", 227);
            await hoarders[0].CommandAsync("PASV", 425);
            await hoarders[1].CommandAsync("QUIT", 221);
            Assert.True(await hoarders[1].IsClosedByServerAsync());
            await server.WaitForSessionsAsync(3);
            await hoarders[0].CommandAsync("PASV", 227);
        }
        finally
        {
            foreach (var client in hoarders)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<Socket> ConnectDataAsync(IPAddress from, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static int PasvPort(FtpReplyText reply)
    {
        var numbers = reply.Text[(reply.Text.IndexOf('(', StringComparison.Ordinal) + 1)..reply.Text.IndexOf(')', StringComparison.Ordinal)].Split(',');
        return (int.Parse(numbers[4], CultureInfo.InvariantCulture) << 8) | int.Parse(numbers[5], CultureInfo.InvariantCulture);
    }

    private static int EpsvPort(FtpReplyText reply) => int.Parse(reply.Text.Split('|')[3], CultureInfo.InvariantCulture);
}
