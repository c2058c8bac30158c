using System.Net;
using System.Net.Sockets;
using System.Text;
using Ferry.Server.Tests.Robustness;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Security;

/// <summary>
/// FTP bounce (RFC 2577 §3): PORT/EPRT may only point at the control connection's own address and
/// at ports of 1024 or above, and a refused target is never connected to.
/// </summary>
public sealed class BounceTests
{
    private static readonly IPAddress OtherLoopback = IPAddress.Parse("127.0.0.2");

    [Theory]
    [InlineData("PORT")]
    [InlineData("EPRT")]
    [InlineData("EPRT6")]
    [VerbTest("PORT", "EPRT")]
    public async Task An_active_target_on_another_host_is_refused_and_never_connected(string form)
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(server.PathOf("file.txt"), "payload");
        var victim = new TcpListener(OtherLoopback, 0);
        victim.Start();
        try
        {
            var port = ((IPEndPoint)victim.LocalEndpoint).Port;
            await using var ftp = await server.ConnectAsync();
            var line = form switch
            {
                "PORT" => $"PORT 127,0,0,2,{port >> 8},{port & 0xFF}",
                "EPRT" => $"EPRT |1|127.0.0.2|{port}|",
                _ => $"EPRT |2|::ffff:127.0.0.2|{port}|",
            };

            var reply = await ftp.SendAndReadAsync(line);
            Assert.True(reply.Code is >= 500 and < 600, $"{line}: expected 5xx, got {reply}");

            // The refused target must not be used by a following transfer.
            var retr = await ftp.SendAndReadAsync("RETR file.txt");
            Assert.True(retr.Code == 425, $"RETR after a refused {form}: expected 425, got {retr}");
            await ftp.CommandAsync("LIST", 425);
            await ftp.CommandAsync("NOOP", 200);

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var connected = false;
            try
            {
                using var bounced = await victim.AcceptSocketAsync(wait.Token);
                connected = true;
            }
            catch (OperationCanceledException)
            {
            }

            Assert.False(connected, "the server connected to the refused address 127.0.0.2");
        }
        finally
        {
            victim.Stop();
        }
    }

    [Theory]
    [InlineData("PORT 127,0,0,1,0,21")]
    [InlineData("PORT 127,0,0,1,0,25")]
    [InlineData("PORT 127,0,0,1,3,255")]
    [InlineData("PORT 127,0,0,1,0,0")]
    [InlineData("EPRT |1|127.0.0.1|80|")]
    [InlineData("EPRT |1|127.0.0.1|1023|")]
    [InlineData("EPRT |1|127.0.0.1|0|")]
    [InlineData("PORT 127,0,0,1,256,1")]
    [InlineData("PORT 127,0,0,1,-1,1")]
    [InlineData("EPRT |1|127.0.0.1|65536|")]
    [InlineData("EPRT |1|localhost|4000|")]
    [VerbTest("PORT", "EPRT")]
    public async Task Privileged_ports_and_malformed_targets_are_refused(string line)
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(server.PathOf("file.txt"), "payload");
        await using var ftp = await server.ConnectAsync();

        var reply = await ftp.SendAndReadAsync(line);
        Assert.True(reply.Code is >= 500 and < 600, $"{line}: expected 5xx, got {reply}");
        await ftp.CommandAsync("RETR file.txt", 425);
    }

    [Fact]
    [VerbTest("PORT", "EPRT")]
    public async Task An_allowed_active_target_on_the_control_address_is_used()
    {
        // The positive case, so the refusals above are refusals and not a broken PORT.
        await using var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(server.PathOf("file.txt"), "payload");
        var client = new TcpListener(IPAddress.Loopback, 0);
        client.Start();
        try
        {
            var port = ((IPEndPoint)client.LocalEndpoint).Port;
            await using var ftp = await server.ConnectAsync();
            await ftp.CommandAsync("TYPE I", 200);
            foreach (var line in new[] { $"PORT 127,0,0,1,{port >> 8},{port & 0xFF}", $"EPRT |1|127.0.0.1|{port}|" })
            {
                await ftp.CommandAsync(line, 200);
                await ftp.SendAsync("RETR file.txt");
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var data = await client.AcceptSocketAsync(timeout.Token);
                Assert.Equal(IPAddress.Loopback, ((IPEndPoint)data.RemoteEndPoint!).Address);
                await ftp.ExpectAsync(150);
                var (bytes, ended) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
                Assert.True(ended);
                Assert.Equal("payload", Encoding.UTF8.GetString(bytes));
                await ftp.ExpectAsync(226);
            }
        }
        finally
        {
            client.Stop();
        }
    }

    [Fact]
    [VerbTest("EPRT")]
    public async Task Over_ipv6_an_ipv4_target_is_refused()
    {
        await using var server = await TestServer.StartAsync(listenAddress: "::1");
        var victim = new TcpListener(IPAddress.Loopback, 0);
        victim.Start();
        try
        {
            var port = ((IPEndPoint)victim.LocalEndpoint).Port;
            await using var ftp = await server.ConnectAsync();
            var reply = await ftp.SendAndReadAsync($"EPRT |1|127.0.0.1|{port}|");
            Assert.True(reply.Code is >= 500 and < 600, reply.ToString());
            await ftp.CommandAsync("LIST", 425);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await victim.AcceptSocketAsync(wait.Token));
        }
        finally
        {
            victim.Stop();
        }
    }

    [Fact]
    [VerbTest("PORT")]
    public async Task Port_before_login_is_refused()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("PORT 127,0,0,2,19,136", 530);
        await ftp.CommandAsync("EPRT |1|127.0.0.2|5000|", 530);
        await ftp.CommandAsync("PASV", 530);
        await ftp.CommandAsync("EPSV", 530);
    }
}
