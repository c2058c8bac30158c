using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>SYST, FEAT, OPTS, HELP, NOOP, STAT and SITE (RFC 959 §4.1.3, RFC 2389).</summary>
public sealed class InformationCommandTests
{
    [Fact]
    [VerbTest("SYST")]
    public async Task Syst_replies_unix_type_l8_also_before_login()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        Assert.Equal("215 UNIX Type: L8", (await ftp.CommandAsync("SYST", 215)).Lines[0]);
    }

    /// <summary>RFC 2389 §3.2: "211-" first, "211 " last, each feature on its own line starting with one space.</summary>
    [Fact]
    [VerbTest("FEAT")]
    public async Task Feat_lists_the_features_one_per_line()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        var reply = await ftp.CommandAsync("FEAT", 211);
        Assert.StartsWith("211-", reply.Lines[0], StringComparison.Ordinal);
        Assert.StartsWith("211 ", reply.Lines[^1], StringComparison.Ordinal);
        var features = reply.Lines.Skip(1).SkipLast(1).ToList();
        Assert.All(features, line =>
        {
            Assert.StartsWith(" ", line, StringComparison.Ordinal);
            Assert.False(line.StartsWith("  ", StringComparison.Ordinal), line);
        });
        var names = features.Select(l => l[1..]).ToList();
        Assert.Contains("EPSV", names);
        Assert.Contains("EPRT", names);
        Assert.Contains("SIZE", names);
        Assert.Contains("MDTM", names);
        Assert.Contains("UTF8", names);
        Assert.Contains("REST STREAM", names);
        Assert.Contains("TVFS", names);
        Assert.Contains(names, n => n.StartsWith("MLST ", StringComparison.Ordinal) && n.Contains("type*;", StringComparison.Ordinal));
        Assert.Contains("AUTH TLS", names);
        Assert.Contains("PBSZ", names);
        Assert.Contains("PROT", names);
    }

    [Theory]
    [InlineData("OPTS UTF8 ON")]
    [InlineData("OPTS utf8 on")]
    [InlineData("OPTS UTF-8 ON")]
    [VerbTest("OPTS")]
    public async Task Opts_utf8_on_gets_200(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync(command, 200);
    }

    [Fact]
    [VerbTest("OPTS")]
    public async Task Opts_of_an_unknown_option_or_without_argument_gets_501()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("OPTS FROBNICATE yes", 501);
        await ftp.CommandAsync("OPTS", 501);
    }

    [Fact]
    [VerbTest("HELP")]
    public async Task Help_lists_the_commands_in_a_multi_line_214()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        var reply = await ftp.CommandAsync("HELP", 214);
        Assert.True(reply.IsMultiline, reply.ToString());
        Assert.StartsWith("214-", reply.Lines[0], StringComparison.Ordinal);
        Assert.StartsWith("214 ", reply.Lines[^1], StringComparison.Ordinal);
        var words = reply.Lines.Skip(1).SkipLast(1).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        foreach (var verb in new[] { "USER", "PASS", "RETR", "STOR", "LIST", "MLSD", "EPSV", "FEAT", "QUIT" })
        {
            Assert.Contains(verb, words);
        }

        Assert.DoesNotContain("SMNT", words);
    }

    [Fact]
    [VerbTest("HELP")]
    public async Task Help_for_one_verb_gives_its_syntax()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        Assert.Contains("RETR", (await ftp.CommandAsync("HELP RETR", 214)).Text, StringComparison.Ordinal);
        Assert.Contains("MFMT", (await ftp.CommandAsync("HELP mfmt", 214)).Text, StringComparison.Ordinal);
        await ftp.SendAsync("HELP XYZZY");
        var unknown = await ftp.ReadReplyAsync();
        Assert.True(unknown.Code is 501 or 502 or 504, unknown.ToString());
    }

    [Fact]
    [VerbTest("NOOP")]
    public async Task Noop_gets_200_before_and_after_login()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("NOOP", 200);
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    [VerbTest("STAT")]
    public async Task Stat_without_argument_gives_a_multi_line_211()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("STAT", 211);
        Assert.True(reply.IsMultiline, reply.ToString());
        Assert.StartsWith("211-", reply.Lines[0], StringComparison.Ordinal);
        Assert.StartsWith("211 ", reply.Lines[^1], StringComparison.Ordinal);
        Assert.Contains(reply.Lines, l => l.Contains(TestServer.UserName, StringComparison.Ordinal));
        Assert.Contains(reply.Lines, l => l.Contains("No data transfer", StringComparison.Ordinal));
    }

    /// <summary>RFC 959 §4.1.3: STAT with a path is LIST over the control connection: 212 for a directory, 213 for a file.</summary>
    [Fact]
    [VerbTest("STAT")]
    public async Task Stat_with_a_path_lists_it_on_the_control_connection()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "dir/inside.txt", "12345");
        DataHelpers.WriteFile(server, "dir/.hidden", "x");
        DataHelpers.WriteFile(server, "top.txt", "abc");
        await using var ftp = await server.ConnectAsync();

        var dir = await ftp.CommandAsync("STAT dir", 212);
        Assert.StartsWith("212-", dir.Lines[0], StringComparison.Ordinal);
        Assert.StartsWith("212 ", dir.Lines[^1], StringComparison.Ordinal);
        var entry = Assert.Single(dir.Lines, l => l.EndsWith(" inside.txt", StringComparison.Ordinal));
        Assert.Matches(@"^\s*-[-rwx]{9} +\d+ +alice +alice +5 ", entry);
        Assert.DoesNotContain(dir.Lines, l => l.Contains(".hidden", StringComparison.Ordinal));

        var hidden = await ftp.CommandAsync("STAT -a dir", 212);
        Assert.Contains(hidden.Lines, l => l.EndsWith(" .hidden", StringComparison.Ordinal));

        var file = await ftp.CommandAsync("STAT top.txt", 213);
        Assert.StartsWith("213-", file.Lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^\s*-[-rwx]{9} +\d+ +alice +alice +3 .* top\.txt$", Assert.Single(file.Lines, l => l.EndsWith(" top.txt", StringComparison.Ordinal)));

        await ftp.CommandAsync("STAT missing", 550);
    }

    [Fact]
    [VerbTest("SITE")]
    public async Task Site_help_gets_a_multi_line_214()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("SITE HELP", 214);
        Assert.True(reply.IsMultiline, reply.ToString());
        Assert.StartsWith("214 ", reply.Lines[^1], StringComparison.Ordinal);
        Assert.Contains(reply.Lines, l => l.Contains("CHMOD", StringComparison.Ordinal));
    }

    [Fact]
    [VerbTest("SITE")]
    public async Task Site_chmod_sets_the_unix_mode()
    {
        await using var server = await TestServer.StartAsync();
        var path = DataHelpers.WriteFile(server, "secret.txt", "x");
        Directory.CreateDirectory(server.PathOf("dir"));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("SITE CHMOD 600 secret.txt", 200);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        await ftp.CommandAsync("site chmod 0640 secret.txt", 200);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        await ftp.CommandAsync("SITE CHMOD 700 dir", 200);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(server.PathOf("dir")));
        await ftp.CommandAsync("SITE CHMOD 644 missing.txt", 550);
    }

    [Theory]
    [InlineData("SITE CHMOD 999 secret.txt")]
    [InlineData("SITE CHMOD rw-r--r-- secret.txt")]
    [InlineData("SITE CHMOD 4755 secret.txt")]
    [InlineData("SITE CHMOD 644")]
    [InlineData("SITE CHMOD")]
    [InlineData("SITE")]
    [VerbTest("SITE")]
    public async Task Site_chmod_with_a_bad_mode_gets_501(string command)
    {
        await using var server = await TestServer.StartAsync();
        var path = DataHelpers.WriteFile(server, "secret.txt", "x");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, 501);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    [VerbTest("SITE")]
    public async Task Unknown_site_command_gets_500()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("SITE FOO", 500);
        await ftp.CommandAsync("SITE FOO bar baz", 500);
    }
}
