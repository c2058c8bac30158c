using System.Net.Sockets;
using System.Text;
using Ferry.Server.Protocol;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Security;

/// <summary>
/// Issue 11, finding 8: control characters a client sends never come back on the control
/// connection (a bare CR followed by "226 ..." would read as a reply of its own to some clients),
/// path names with CR, LF or NUL are refused before they reach the disk (RFC 959 §5.3.2), and a
/// name already on disk with CR or LF cannot break a listing line.
/// </summary>
public sealed class ControlCharacterTests
{
    // Each argument carries control characters the way an attacker would: mid-argument, since a
    // CR right before the CRLF is taken as part of the line end.
    private static readonly string[] Payloads =
    [
        "a\0b",
        "a\u001b[31mb",
        "a\u007fb",
        "a\rb",
        "x\r226 fake",
        "a" + new string([.. Enumerable.Range(1, 31).Where(c => c != '\n').Select(c => (char)c)]) + "b",
    ];

    // Verbs that end or reset the session are sent on their own connections (USER, HOST) or not
    // at all (QUIT, REIN), nor PASV and EPSV, which take no argument and would prepare a data
    // connection that the transfer verbs after them then wait for; every other verb of the command
    // table gets every payload (the transfer verbs answer 425 at once).
    private static readonly string[] SessionVerbs = ["QUIT", "REIN", "USER", "HOST", "PASV", "EPSV"];

    [Fact]
    [VerbTest("USER", "HOST", "HELP", "OPTS", "TYPE", "SITE")]
    public async Task No_reply_carries_a_control_character_whatever_the_argument()
    {
        await using var server = await TestServer.StartAsync();
        var problems = new List<string>();

        // Before login: HOST (RFC 7151: before USER) and USER echo their arguments.
        foreach (var payload in Payloads)
        {
            await using var fresh = await RawControlClient.ConnectAsync(server.EndPoint);
            await fresh.ReadReplyAsync();
            await CheckAsync(fresh, "HOST " + payload, problems);
            await CheckAsync(fresh, "USER " + payload, problems);
            await CheckAsync(fresh, "PASS wrong", problems);
        }

        await using var ftp = await RawControlClient.ConnectAsync(server.EndPoint);
        await ftp.ReadReplyAsync();
        await ftp.ExpectAsync("USER " + TestServer.UserName, 331);
        await ftp.ExpectAsync("PASS " + TestServer.Password, 230);
        foreach (var verb in CommandTable.All.Select(spec => spec.Verb).Except(SessionVerbs))
        {
            foreach (var payload in Payloads)
            {
                await CheckAsync(ftp, verb + " " + payload, problems);
            }

            // Subcommands and options that echo what follows them.
            if (verb is "SITE" or "OPTS" or "HELP")
            {
                foreach (var payload in Payloads)
                {
                    await CheckAsync(ftp, verb + (verb == "SITE" ? " CHMOD 644 " : verb == "OPTS" ? " MLST " : " SITE ") + payload, problems);
                }
            }
        }

        // An unknown verb is echoed too.
        foreach (var payload in Payloads)
        {
            await CheckAsync(ftp, "X" + payload, problems);
        }

        // The session is still in step: the next reply is the NOOP's.
        await ftp.ExpectAsync("NOOP", 200);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    [VerbTest("MKD", "XMKD", "CWD", "STOR", "RNTO")]
    public async Task A_path_with_cr_lf_or_nul_is_refused_and_nothing_is_created()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await RawControlClient.ConnectAsync(server.EndPoint);
        await ftp.ReadReplyAsync();
        await ftp.ExpectAsync("USER " + TestServer.UserName, 331);
        await ftp.ExpectAsync("PASS " + TestServer.Password, 230);
        await File.WriteAllTextAsync(server.PathOf("existing.txt"), "x");

        string[] names = ["a\rb", "x\r226 fake", "\rab", "dir/a\rb", "a\0b", "a\r\0b"];
        foreach (var name in names)
        {
            foreach (var verb in new[] { "MKD", "XMKD", "CWD", "STOR", "DELE", "SIZE" })
            {
                var reply = await ftp.CommandAsync(verb + " " + name);
                Assert.True(reply.Code == 501, $"{verb} {RawReply.Show(Encoding.UTF8.GetBytes(name))}: {reply}");
                Assert.Empty(reply.StrayControlBytes());
                Assert.Contains("CR, LF or NUL", reply.ToString(), StringComparison.Ordinal);
            }

            await ftp.ExpectAsync("RNFR existing.txt", 350);
            var rename = await ftp.CommandAsync("RNTO " + name);
            Assert.True(rename.Code == 501, $"RNTO: {rename}");
        }

        // Nothing was made, under any name (a server that cut the name at the CR would have made "a" or "x").
        Assert.Equal(["existing.txt"], Directory.GetFileSystemEntries(server.Root).Select(Path.GetFileName));
        await ftp.ExpectAsync("NOOP", 200);
    }

    [Fact]
    [VerbTest("LIST", "NLST", "MLSD", "MLST", "STAT")]
    public async Task Names_on_disk_with_cr_or_lf_do_not_break_listing_lines()
    {
        await using var server = await TestServer.StartAsync();

        // Made by a local user, not through FTP: a name that would be two listing lines, and one
        // that would put a fake final reply line into a STAT listing.
        await File.WriteAllTextAsync(server.PathOf("evil\r\n-rw-r--r-- 1 root root 1 Jan 01 00:00 fake.txt"), "x");
        await File.WriteAllTextAsync(server.PathOf("spoof\r213 End of status."), "x");
        await File.WriteAllTextAsync(server.PathOf("lf\nonly"), "x");
        await File.WriteAllTextAsync(server.PathOf("escape\u001b[2J.txt"), "x");
        await File.WriteAllTextAsync(server.PathOf("fine.txt"), "x");

        await using var ftp = await RawControlClient.ConnectAsync(server.EndPoint);
        await ftp.ReadReplyAsync();
        await ftp.ExpectAsync("USER " + TestServer.UserName, 331);
        await ftp.ExpectAsync("PASS " + TestServer.Password, 230);

        foreach (var verb in new[] { "LIST", "NLST", "MLSD" })
        {
            var lines = await ListAsync(ftp, verb);

            // Names with CR or LF are left out: no FTP command could name them (RFC 959 §5.3.2),
            // and written out they would end the line early. Other names keep their bytes.
            Assert.Equal(2, lines.Count);
            Assert.Single(lines, line => line.EndsWith("fine.txt", StringComparison.Ordinal));
            Assert.Single(lines, line => line.EndsWith("escape\u001b[2J.txt", StringComparison.Ordinal));
        }

        // On the control connection, the same listing: no stray line, no control byte.
        var status = await ftp.ExpectAsync("STAT /", 212);
        Assert.Empty(status.StrayControlBytes());
        Assert.Equal(4, status.Lines.Count);
        Assert.Contains("escape?[2J.txt", status.ToString(), StringComparison.Ordinal);

        var entry = await ftp.ExpectAsync("MLST escape\u001b[2J.txt", 250);
        Assert.Empty(entry.StrayControlBytes());
        await ftp.ExpectAsync("NOOP", 200);
    }

    private static async Task CheckAsync(RawControlClient ftp, string line, List<string> problems)
    {
        var reply = await ftp.CommandAsync(line);
        if (reply.StrayControlBytes() is { Count: > 0 } stray)
        {
            problems.Add($"{RawReply.Show(Encoding.UTF8.GetBytes(line))} -> {reply.ToString().TrimEnd()} [{string.Join(' ', stray)}]");
        }
    }

    /// <summary>A listing over a passive data connection, split into its CRLF lines.</summary>
    private static async Task<List<string>> ListAsync(RawControlClient ftp, string verb)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.ExpectAsync(verb, 150);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await using var stream = new NetworkStream(data, ownsSocket: false);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, timeout.Token);
        var reply = await ftp.ReadReplyAsync();
        Assert.Equal(226, reply.Code);

        var text = Encoding.UTF8.GetString(memory.ToArray());
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var lines = text[..^2].Split("\r\n").ToList();
        Assert.All(lines, line => Assert.True(line.IndexOfAny(['\r', '\n']) < 0, $"{verb}: a line with a CR or LF: {line}"));
        return lines;
    }
}
