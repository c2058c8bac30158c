using System.Text;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>Control-connection framing: case, pipelining, line ends, multi-line replies (RFC 959 §4.2, §5.3).</summary>
public sealed class ProtocolBasicsTests
{
    /// <summary>RFC 959 §5.3: command verbs are case-insensitive.</summary>
    [Fact]
    [VerbTest("NOOP", "PWD", "SYST")]
    public async Task Verbs_are_case_insensitive()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("noop", 200);
        await ftp.CommandAsync("Pwd", 257);
        await ftp.CommandAsync("sYsT", 215);
    }

    [Fact]
    [VerbTest("NOOP", "PWD", "SYST")]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendRawAsync(Encoding.ASCII.GetBytes("NOOP\r\nPWD\r\nSYST\r\n"));
        await ftp.ExpectAsync(200);
        await ftp.ExpectAsync(257);
        await ftp.ExpectAsync(215);
    }

    [Fact]
    [VerbTest("USER", "PASS", "PWD", "FEAT", "NOOP")]
    public async Task A_pipelined_login_and_multi_line_reply_keep_their_order()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.SendRawAsync(Encoding.UTF8.GetBytes($"USER {TestServer.UserName}\r\nPASS {TestServer.Password}\r\nFEAT\r\nPWD\r\nNOOP\r\n"));
        await ftp.ExpectAsync(331);
        await ftp.ExpectAsync(230);
        Assert.True((await ftp.ExpectAsync(211)).IsMultiline);
        await ftp.ExpectAsync(257);
        await ftp.ExpectAsync(200);
    }

    [Fact]
    [VerbTest("NOOP", "PWD")]
    public async Task Bare_lf_ends_a_command()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendRawAsync(Encoding.ASCII.GetBytes("NOOP\n"));
        await ftp.ExpectAsync(200);
        await ftp.SendRawAsync(Encoding.ASCII.GetBytes("PWD\nNOOP\r\n"));
        await ftp.ExpectAsync(257);
        await ftp.ExpectAsync(200);
    }

    [Fact]
    [VerbTest("NOOP")]
    public async Task A_command_split_across_writes_is_assembled()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendRawAsync(Encoding.ASCII.GetBytes("NO"));
        await ftp.SendRawAsync(Encoding.ASCII.GetBytes("OP\r"));
        await ftp.SendRawAsync(Encoding.ASCII.GetBytes("\n"));
        await ftp.ExpectAsync(200);
    }

    /// <summary>RFC 959 §4.2: "NNN-" on the first line, "NNN " on the last, no line between starting with "NNN ".</summary>
    [Theory]
    [InlineData("FEAT", 211)]
    [InlineData("HELP", 214)]
    [InlineData("STAT", 211)]
    [InlineData("SITE HELP", 214)]
    [VerbTest("FEAT", "HELP", "STAT", "SITE")]
    public async Task Multi_line_replies_have_the_rfc_959_shape(string command, int code)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendAsync(command);
        var raw = await ReadRawReplyAsync(ftp.Socket, code);
        Assert.EndsWith("\r\n", raw, StringComparison.Ordinal);
        var lines = raw[..^2].Split("\r\n");
        Assert.True(lines.Length >= 2, raw);
        Assert.StartsWith($"{code}-", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{code} ", lines[^1], StringComparison.Ordinal);
        Assert.All(lines[1..^1], line => Assert.False(line.StartsWith($"{code} ", StringComparison.Ordinal), line));
        Assert.All(lines, line => Assert.DoesNotContain("\n", line, StringComparison.Ordinal));
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    [VerbTest("NOOP")]
    public async Task Replies_end_with_crlf()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendAsync("NOOP");
        var raw = await ReadRawReplyAsync(ftp.Socket, 200);
        Assert.StartsWith("200 ", raw, StringComparison.Ordinal);
        Assert.EndsWith("\r\n", raw, StringComparison.Ordinal);
        Assert.Equal(1, raw.Split("\r\n").Length - 1);
    }

    [Fact]
    [VerbTest("NOOP")]
    public async Task Empty_lines_are_ignored()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendRawAsync(Encoding.ASCII.GetBytes("\r\n\r\nNOOP\r\n"));
        await ftp.ExpectAsync(200);
        await ftp.CommandAsync("PWD", 257);
    }

    /// <summary>
    /// Reads one whole reply straight off the socket (bypassing WireClient's reader, so the exact
    /// bytes and line ends are seen); only safe as the first read on a connection whose reader
    /// holds nothing buffered, i.e. right after a reply-less send following a complete read.
    /// </summary>
    private static async Task<string> ReadRawReplyAsync(System.Net.Sockets.Socket socket, int code)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        var end = $"\r\n{code} ";
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token);
            Assert.True(read > 0, "connection closed inside the reply: " + received);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            var text = received.ToString();
            var single = text.StartsWith($"{code} ", StringComparison.Ordinal);
            var lastStart = single ? 0 : text.LastIndexOf(end, StringComparison.Ordinal);
            if ((single || lastStart >= 0) && text.EndsWith("\r\n", StringComparison.Ordinal)
                && text.IndexOf("\r\n", single ? 0 : lastStart + 2, StringComparison.Ordinal) == text.Length - 2)
            {
                return text;
            }
        }
    }

    [Fact]
    [VerbTest("NOOP")]
    public async Task An_over_long_command_line_gets_500_and_the_session_goes_on()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendAsync("NOOP " + new string('x', 10_000));
        await ftp.ExpectAsync(500);
        await ftp.CommandAsync("NOOP", 200);
        await ftp.CommandAsync("PWD", 257);
    }
}
