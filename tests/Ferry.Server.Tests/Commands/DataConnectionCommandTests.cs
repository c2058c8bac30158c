using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>PASV, PORT (RFC 959 §4.1.2), EPSV, EPRT (RFC 2428), and the bounce rules of RFC 2577.</summary>
public sealed partial class DataConnectionCommandTests
{
    [GeneratedRegex(@"^227 .*\((\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})\)")]
    private static partial Regex PasvReply();

    [GeneratedRegex(@"^229 .*\(\|\|\|(\d{1,5})\|\)")]
    private static partial Regex EpsvReply();

    [Fact]
    [VerbTest("PASV", "RETR")]
    public async Task Pasv_announces_an_address_and_port_that_accept_the_data_connection()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "over pasv");
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("PASV", 227);
        var match = PasvReply().Match(reply.Lines[0]);
        Assert.True(match.Success, reply.ToString());
        var numbers = Enumerable.Range(1, 6).Select(i => int.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(numbers, n => Assert.InRange(n, 0, 255));
        Assert.Equal("127.0.0.1", string.Join('.', numbers[..4]));
        var port = (numbers[4] << 8) | numbers[5];

        var data = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await ftp.SendAsync("RETR file.txt");
        await ftp.ExpectAsync(150);
        Assert.Equal("over pasv", Encoding.UTF8.GetString(await WireClient.ReadAllAsync(data)));
        await ftp.ExpectAsync(226);
    }

    [Fact]
    [VerbTest("PASV")]
    public async Task A_second_pasv_replaces_the_first_listener()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "second");
        await using var ftp = await server.ConnectAsync();
        var first = PasvPort(await ftp.CommandAsync("PASV", 227));
        var second = PasvPort(await ftp.CommandAsync("PASV", 227));
        using var stale = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAnyAsync<SocketException>(async () => await stale.ConnectAsync(new IPEndPoint(IPAddress.Loopback, first)));
        var data = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(new IPEndPoint(IPAddress.Loopback, second));
        await ftp.SendAsync("RETR file.txt");
        await ftp.ExpectAsync(150);
        Assert.Equal("second", Encoding.UTF8.GetString(await WireClient.ReadAllAsync(data)));
        await ftp.ExpectAsync(226);
    }

    [Fact]
    [VerbTest("EPSV", "LIST")]
    public async Task Epsv_announces_a_port_in_the_rfc_2428_format()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "x");
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("EPSV", 229);
        var match = EpsvReply().Match(reply.Lines[0]);
        Assert.True(match.Success, reply.ToString());
        var port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(port, 1, 65535);
        var data = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await ftp.SendAsync("NLST");
        await ftp.ExpectAsync(150);
        Assert.Equal("file.txt\r\n", Encoding.UTF8.GetString(await WireClient.ReadAllAsync(data)));
        await ftp.ExpectAsync(226);
    }

    [Fact]
    [VerbTest("EPSV")]
    public async Task Epsv_with_a_protocol_number()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        Assert.Matches(EpsvReply(), (await ftp.CommandAsync("EPSV 1", 229)).Lines[0]);
        await ftp.CommandAsync("EPSV 2", 522);
        await ftp.CommandAsync("EPSV banana", 501);
    }

    /// <summary>RFC 2428 §4: after EPSV ALL, the server refuses every other data-connection setup command.</summary>
    [Fact]
    [VerbTest("EPSV", "PASV", "PORT", "EPRT")]
    public async Task Epsv_all_refuses_pasv_port_and_eprt()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "still works");
        await using var ftp = await server.ConnectAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await ftp.CommandAsync("EPSV ALL", 200);
        await ftp.CommandAsync("PASV", 503);
        await ftp.CommandAsync(PortCommand(port), 503);
        await ftp.CommandAsync($"EPRT |1|127.0.0.1|{port}|", 503);
        Assert.Equal("still works", await DataHelpers.DownloadTextAsync(ftp, "RETR file.txt"));
    }

    [Fact]
    [VerbTest("PORT", "RETR")]
    public async Task Port_to_the_clients_own_listener_carries_a_retr()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "over port");
        await using var ftp = await server.ConnectAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await ftp.CommandAsync(PortCommand(((IPEndPoint)listener.LocalEndpoint).Port), 200);
        await ftp.SendAsync("RETR file.txt");
        await ftp.ExpectAsync(150);
        var data = await listener.AcceptSocketAsync();
        Assert.Equal("over port", Encoding.UTF8.GetString(await WireClient.ReadAllAsync(data)));
        await ftp.ExpectAsync(226);
    }

    [Fact]
    [VerbTest("PORT", "STOR")]
    public async Task Port_carries_a_stor()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await ftp.CommandAsync(PortCommand(((IPEndPoint)listener.LocalEndpoint).Port), 200);
        await ftp.SendAsync("STOR up.bin");
        using var data = await listener.AcceptSocketAsync();
        await ftp.ExpectAsync(150);
        var content = DataHelpers.Pattern(70_000);
        await data.SendAsync(content, SocketFlags.None);
        data.Shutdown(SocketShutdown.Send);
        data.Close();
        await ftp.ExpectAsync(226);
        Assert.Equal(content, File.ReadAllBytes(server.PathOf("up.bin")));
    }

    [Fact]
    [VerbTest("PORT")]
    public async Task Port_to_a_closed_port_gets_425_on_the_transfer()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "x");
        await using var ftp = await server.ConnectAsync();
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await ftp.CommandAsync(PortCommand(port), 200);
        await ftp.CommandAsync("RETR file.txt", 425);
        await ftp.CommandAsync("NOOP", 200);
    }

    [Theory]
    [InlineData("PORT 127,0,0,1,4")]
    [InlineData("PORT 127,0,0,1,300,1")]
    [InlineData("PORT 127,0,0,1,a,b")]
    [InlineData("PORT 127.0.0.1,20,20")]
    [InlineData("PORT 127,0,0,1,-4,1")]
    [InlineData("PORT")]
    [VerbTest("PORT")]
    public async Task Malformed_port_gets_501(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, 501);
        await ftp.CommandAsync("LIST", 425);
    }

    /// <summary>RFC 2577 §3 (bounce attack): no data connection to another host; a code of the 50x family.</summary>
    [Fact]
    [VerbTest("PORT", "EPRT")]
    public async Task Port_and_eprt_to_another_host_are_refused()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendAsync("PORT 192,0,2,1,40,0");
        Assert.InRange((await ftp.ReadReplyAsync()).Code, 500, 504);
        await ftp.SendAsync("EPRT |1|192.0.2.1|10240|");
        Assert.InRange((await ftp.ReadReplyAsync()).Code, 500, 504);
        await ftp.CommandAsync("LIST", 425);
    }

    /// <summary>RFC 2577 §3: "If the server receives a PORT command containing a TCP port number less than 1024, the suggested response is 504".</summary>
    [Fact]
    [VerbTest("PORT", "EPRT")]
    public async Task Port_and_eprt_to_a_privileged_port_get_504()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("PORT 127,0,0,1,0,21", 504);
        await ftp.CommandAsync("EPRT |1|127.0.0.1|25|", 504);
        await ftp.CommandAsync("LIST", 425);
    }

    [Fact]
    [VerbTest("EPRT", "RETR")]
    public async Task Eprt_to_the_clients_own_listener_carries_a_retr()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "over eprt");
        await using var ftp = await server.ConnectAsync();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await ftp.CommandAsync($"EPRT |1|127.0.0.1|{port}|", 200);
        await ftp.SendAsync("RETR file.txt");
        await ftp.ExpectAsync(150);
        var data = await listener.AcceptSocketAsync();
        Assert.Equal("over eprt", Encoding.UTF8.GetString(await WireClient.ReadAllAsync(data)));
        await ftp.ExpectAsync(226);

        // RFC 2428 §2: any printable delimiter.
        await ftp.CommandAsync($"EPRT !1!127.0.0.1!{port}!", 200);
    }

    /// <summary>RFC 2428 §2: an unsupported network protocol gets 522.</summary>
    [Fact]
    [VerbTest("EPRT")]
    public async Task Eprt_with_an_unknown_protocol_gets_522()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("EPRT |3|127.0.0.1|5000|", 522);
        Assert.Contains("1", reply.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EPRT |1|127.0.0.1|")]
    [InlineData("EPRT |1|not-an-address|5000|")]
    [InlineData("EPRT |1|::1|5000|")]
    [InlineData("EPRT |1|127.0.0.1|70000|")]
    [InlineData("EPRT 127.0.0.1 5000")]
    [InlineData("EPRT")]
    [VerbTest("EPRT")]
    public async Task Malformed_eprt_gets_501(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, 501);
    }

    [Fact]
    [VerbTest("EPSV", "EPRT", "RETR")]
    public async Task Ipv6_server_transfers_over_epsv_and_eprt()
    {
        await using var server = await TestServer.StartAsync(listenAddress: "::1");
        DataHelpers.WriteFile(server, "file.txt", "over ipv6");
        await using var ftp = await server.ConnectAsync();
        Assert.Equal(AddressFamily.InterNetworkV6, ftp.Socket.RemoteEndPoint!.AddressFamily);
        Assert.Equal("over ipv6", await DataHelpers.DownloadTextAsync(ftp, "RETR file.txt"));
        await ftp.CommandAsync("EPSV 2", 229);
        await ftp.CommandAsync("EPSV 1", 522);

        using var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await ftp.CommandAsync($"EPRT |2|::1|{port}|", 200);
        await ftp.SendAsync("RETR file.txt");
        await ftp.ExpectAsync(150);
        var data = await listener.AcceptSocketAsync();
        Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)data.RemoteEndPoint!).Address);
        Assert.Equal("over ipv6", Encoding.UTF8.GetString(await WireClient.ReadAllAsync(data)));
        await ftp.ExpectAsync(226);
    }

    private static string PortCommand(int port) =>
        string.Create(CultureInfo.InvariantCulture, $"PORT 127,0,0,1,{port >> 8},{port & 0xFF}");

    private static int PasvPort(FtpReplyText reply)
    {
        var match = PasvReply().Match(reply.Lines[0]);
        Assert.True(match.Success, reply.ToString());
        return (int.Parse(match.Groups[5].Value, CultureInfo.InvariantCulture) << 8) | int.Parse(match.Groups[6].Value, CultureInfo.InvariantCulture);
    }
}
