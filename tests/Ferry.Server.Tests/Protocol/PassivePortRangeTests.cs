using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Protocol;

public sealed class PassivePortRangeTests
{
    [Fact]
    public async Task Passive_ports_come_from_the_configured_range_and_a_full_range_gets_425()
    {
        // A two-port range below the ephemeral range, picked at random so parallel runs rarely meet.
        var first = Random.Shared.Next(20000, 30000);
        await using var server = await TestServer.StartAsync(options => options.PassivePorts = $"{first}-{first + 1}");
        await using var ftp = await server.ConnectAsync();

        var ports = new HashSet<int>();
        for (var i = 0; i < 10; i++)
        {
            var reply = await ftp.CommandAsync("EPSV", 229);
            ports.Add(int.Parse(reply.Text.Split('|')[3], CultureInfo.InvariantCulture));
        }

        Assert.Subset(new HashSet<int> { first, first + 1 }, ports);

        // Both ports held by someone else: the server says 425 rather than failing the session.
        await ftp.CommandAsync("ABOR", 225);
        using var a = Occupy(first);
        using var b = Occupy(first + 1);
        var full = await ftp.CommandAsync("PASV", 425);
        Assert.Contains("passive port", full.Text, StringComparison.OrdinalIgnoreCase);
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task Pasv_announces_the_configured_public_address()
    {
        await using var server = await TestServer.StartAsync(options => options.PassiveAddress = "203.0.113.7");
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("PASV", 227);
        Assert.Matches(@"\(203,0,113,7,\d+,\d+\)", reply.Text);
    }

    private static Socket Occupy(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen(1);
        return socket;
    }
}
