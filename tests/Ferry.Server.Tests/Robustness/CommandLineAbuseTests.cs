using System.Net.Sockets;
using System.Text;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Robustness;

/// <summary>What a hostile or broken client can put on the control connection: over-long lines, binary garbage, Telnet bytes, half commands.</summary>
public sealed class CommandLineAbuseTests
{
    [Fact]
    [VerbTest("NOOP")]
    public async Task A_100_KB_line_without_line_end_gets_one_500_and_the_session_goes_on()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();

        await ftp.SendRawAsync(Encoding.ASCII.GetBytes(new string('A', 100 * 1024)));
        var tooLong = await ftp.ReadReplyAsync();
        Assert.Equal(500, tooLong.Code);

        await ftp.SendRawAsync("\r\n"u8.ToArray());
        // A second 500 (for the tail of the line) would arrive before this 200.
        await ftp.CommandAsync("NOOP", 200);
        await ftp.CommandAsync("NOOP", 200);
        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_line_and_its_line_end_in_one_write_get_one_500()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();

        await ftp.SendRawAsync(Encoding.ASCII.GetBytes("RETR " + new string('x', 100 * 1024) + "\r\nNOOP\r\n"));
        await ftp.ExpectAsync(500);
        await ftp.ExpectAsync(200);

        // Just under and just over the limit (4096 bytes by default).
        await ftp.SendAsync("NOOP" + new string(' ', 4096 - 4 - 1));
        var under = await ftp.ReadReplyAsync();
        Assert.DoesNotContain("too long", under.Text, StringComparison.OrdinalIgnoreCase);
        await ftp.SendAsync("NOOP" + new string(' ', 5000));
        await ftp.ExpectAsync(500);
        await ftp.CommandAsync("NOOP", 200);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task Binary_garbage_gets_replies_or_a_clean_close_never_a_hang(int seed)
    {
        await using var server = await TestServer.StartAsync();
        var random = new Random(seed);
        using (var socket = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(server.EndPoint);
            // Read everything the server says at the same time, so its replies never block it.
            var drain = Probe.DrainAsync(socket, TimeSpan.FromSeconds(30));
            var login = seed % 2 == 0
                ? Encoding.ASCII.GetBytes($"USER {TestServer.UserName}\r\nPASS {TestServer.Password}\r\n")
                : [];
            await socket.SendAsync(login, SocketFlags.None);
            var sent = 0;
            try
            {
                for (var chunk = 0; chunk < 16; chunk++)
                {
                    var garbage = new byte[4096];
                    random.NextBytes(garbage);
                    // Plenty of Telnet IAC sequences (also cut ones), NULs and lone CRs.
                    for (var i = 0; i < 64; i++)
                    {
                        var at = random.Next(garbage.Length - 3);
                        switch (random.Next(5))
                        {
                            case 0:
                                garbage[at] = 255;
                                garbage[at + 1] = (byte)random.Next(240, 256);
                                garbage[at + 2] = (byte)random.Next(256);
                                break;
                            case 1:
                                garbage[at] = 255;
                                garbage[at + 1] = (byte)'\n';
                                break;
                            case 2:
                                garbage[at] = 0;
                                break;
                            case 3:
                                garbage[at] = (byte)'\r';
                                break;
                            default:
                                garbage[at] = 255;
                                break;
                        }
                    }

                    await socket.SendAsync(garbage, SocketFlags.None);
                    sent += garbage.Length;
                }

                byte[] quit = [255, .. "\r\nQUIT\r\n"u8];
                await socket.SendAsync(quit, SocketFlags.None);
            }
            catch (SocketException)
            {
                // The server may close on garbage; that is allowed, a hang is not.
            }

            var (received, ended) = await drain;
            Assert.True(ended, $"seed {seed}: the server neither closed nor answered QUIT within 30 s after {sent} bytes");
            var text = Encoding.Latin1.GetString(received);
            Assert.StartsWith("220", text, StringComparison.Ordinal);
            foreach (var line in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
            {
                // Every reply line is a reply: a code (or a multi-line continuation starting with a space).
                Assert.True(line.StartsWith(' ') || (line.Length >= 3 && line[..3].All(char.IsAsciiDigit)), $"seed {seed}: not a reply line: {line}");
            }
        }

        // The server is still fine for a normal session.
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("NOOP", 200);
        await ftp.CommandAsync("QUIT", 221);
        await Probe.AssertNoSessionsAsync(server);
    }

    [Fact]
    [VerbTest("ABOR")]
    public async Task Telnet_ip_and_dm_before_abor_are_understood_as_abor()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();

        await ftp.SendRawAsync([255, 244, 255, 242, .. "ABOR\r\n"u8]);
        await ftp.ExpectAsync(225);
        // IAC IAC is a literal 255, and option negotiation (IAC WILL x) is dropped.
        await ftp.SendRawAsync([255, 251, 1, .. "NOOP\r\n"u8]);
        await ftp.ExpectAsync(200);
    }

    [Fact]
    [VerbTest("ABOR")]
    public async Task Abor_as_netkit_ftp_sends_it_with_the_iac_as_urgent_data_is_understood()
    {
        // netkit/inetutils ftp abortsend(): send(IAC IP IAC, MSG_OOB) then "DM ABOR\r\n". The urgent
        // byte (the second IAC) is taken out of the stream by the receiving kernel, so the server
        // reads IAC IP, a bare DM (242) and then ABOR.
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();

        ftp.Socket.Send([255, 244, 255], SocketFlags.OutOfBand);
        await ftp.SendRawAsync([242, .. "ABOR\r\n"u8]);
        var reply = await ftp.ReadReplyAsync();
        Assert.True(reply.Code == 225, $"expected 225 for ABOR, got {reply}");
        await ftp.CommandAsync("NOOP", 200);
    }

    [Theory]
    [InlineData("NOO", false)]
    [InlineData("NOOP", false)]
    [InlineData("NOOP\r", false)]
    [InlineData("USER alice\r\nPASS", false)]
    [InlineData("\xff", false)]
    [InlineData("NOO", true)]
    [InlineData("STOR x", true)]
    public async Task A_half_command_then_a_close_ends_the_session(string text, bool reset)
    {
        await using var server = await TestServer.StartAsync();
        var ftp = await server.ConnectAsync(login: false);
        await ftp.SendRawAsync(Encoding.Latin1.GetBytes(text));
        await Task.Delay(50);
        if (reset)
        {
            Probe.Reset(ftp.Socket);
        }

        await ftp.DisposeAsync();
        await Probe.AssertNoSessionsAsync(server, TimeSpan.FromSeconds(10));

        await using var next = await server.ConnectAsync();
        await next.CommandAsync("NOOP", 200);
    }
}
