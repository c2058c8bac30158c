using System.Globalization;
using System.Text.RegularExpressions;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>LIST, NLST (RFC 959 §4.1.3), MLSD and MLST (RFC 3659 §7).</summary>
public sealed partial class ListingCommandTests
{
    private const UnixFileMode FileMode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode DirMode755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>`ls -l`: mode, links, owner, group, size, "Mmm dd HH:mm" (or "Mmm dd  yyyy"), name.</summary>
    [GeneratedRegex(@"^(?<mode>[-d][-r][-w][-x][-r][-w][-x][-r][-w][-x]) +(?<links>\d+) +(?<owner>\S+) +(?<group>\S+) +(?<size>\d+) +(?<month>[A-Z][a-z]{2}) +(?<day>\d{1,2}) +(?<when>\d{2}:\d{2}|\d{4}) (?<name>.+)$")]
    private static partial Regex ListLine();

    [Fact]
    [VerbTest("LIST")]
    public async Task List_lines_are_in_ls_long_format()
    {
        await using var server = await TestServer.StartAsync();
        var recent = TruncateToMinute(DateTime.UtcNow.AddDays(-3));
        var file = DataHelpers.WriteFile(server, "name.txt", "hello");
        File.SetUnixFileMode(file, FileMode644);
        File.SetLastWriteTimeUtc(file, recent);
        var old = DataHelpers.WriteFile(server, "old file.txt", "0123456789");
        File.SetUnixFileMode(old, FileMode644);
        File.SetLastWriteTimeUtc(old, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        Directory.CreateDirectory(server.PathOf("sub"));
        File.SetUnixFileMode(server.PathOf("sub"), DirMode755);

        await using var ftp = await server.ConnectAsync();
        var lines = await DataHelpers.ListLinesAsync(ftp, "LIST");
        Assert.Equal(3, lines.Length);
        var byName = lines.Select(l => ListLine().Match(l)).ToDictionary(m =>
        {
            Assert.True(m.Success, "not an ls -l line: " + m.Value);
            return m.Groups["name"].Value;
        });

        var line = byName["name.txt"];
        Assert.Equal("-rw-r--r--", line.Groups["mode"].Value);
        Assert.Equal("1", line.Groups["links"].Value);
        Assert.Equal("alice", line.Groups["owner"].Value);
        Assert.Equal("alice", line.Groups["group"].Value);
        Assert.Equal("5", line.Groups["size"].Value);
        Assert.Equal(Months[recent.Month - 1], line.Groups["month"].Value);
        Assert.Equal(recent.Day, int.Parse(line.Groups["day"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(recent.ToString("HH:mm", CultureInfo.InvariantCulture), line.Groups["when"].Value);

        var oldLine = byName["old file.txt"];
        Assert.Equal("10", oldLine.Groups["size"].Value);
        Assert.Equal("Feb", oldLine.Groups["month"].Value);
        Assert.Equal("3", oldLine.Groups["day"].Value);
        Assert.Equal("2001", oldLine.Groups["when"].Value);

        Assert.Equal("drwxr-xr-x", byName["sub"].Groups["mode"].Value);
    }

    [Fact]
    [VerbTest("LIST")]
    public async Task List_hides_dot_files_and_list_a_shows_them()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, ".hidden", "x");
        DataHelpers.WriteFile(server, "shown", "x");
        await using var ftp = await server.ConnectAsync();
        Assert.Equal(["shown"], Names(await DataHelpers.ListLinesAsync(ftp, "LIST")));
        Assert.Equal([".hidden", "shown"], Names(await DataHelpers.ListLinesAsync(ftp, "LIST -a")));
        Assert.Equal(["shown"], Names(await DataHelpers.ListLinesAsync(ftp, "LIST -l")));
    }

    [Fact]
    [VerbTest("LIST")]
    public async Task List_la_of_a_subdirectory_lists_its_contents()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "subdir/.dot", "x");
        DataHelpers.WriteFile(server, "subdir/inner.txt", "abc");
        DataHelpers.WriteFile(server, "outer.txt", "x");
        await using var ftp = await server.ConnectAsync();
        Assert.Equal([".dot", "inner.txt"], Names(await DataHelpers.ListLinesAsync(ftp, "LIST -la subdir")));
        Assert.Equal(["inner.txt"], Names(await DataHelpers.ListLinesAsync(ftp, "LIST /subdir")));
        await ftp.CommandAsync("CWD subdir", 250);
        Assert.Equal([".dot", "inner.txt"], Names(await DataHelpers.ListLinesAsync(ftp, "LIST -a")));
    }

    [Fact]
    [VerbTest("LIST")]
    public async Task List_of_a_file_gives_its_line_and_of_a_missing_path_550()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "one.txt", "12345");
        await using var ftp = await server.ConnectAsync();
        var lines = await DataHelpers.ListLinesAsync(ftp, "LIST one.txt");
        var match = Assert.Single(lines, l => ListLine().IsMatch(l));
        Assert.EndsWith(" one.txt", match, StringComparison.Ordinal);

        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("LIST missing", 550);
        Assert.Empty(await WireClient.ReadAllAsync(data));
        await ftp.CommandAsync("LIST", 425);
    }

    [Fact]
    [VerbTest("NLST")]
    public async Task Nlst_lists_names_only()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "a.txt", "x");
        DataHelpers.WriteFile(server, "b.log", "x");
        DataHelpers.WriteFile(server, ".hidden", "x");
        Directory.CreateDirectory(server.PathOf("dir"));
        DataHelpers.WriteFile(server, "dir/inner", "x");
        await using var ftp = await server.ConnectAsync();
        Assert.Equal(["a.txt", "b.log", "dir"], Sorted(await DataHelpers.ListLinesAsync(ftp, "NLST")));
        Assert.Equal([".hidden", "a.txt", "b.log", "dir"], Sorted(await DataHelpers.ListLinesAsync(ftp, "NLST -a")));
        Assert.Equal(["a.txt"], Sorted(await DataHelpers.ListLinesAsync(ftp, "NLST *.txt")));
        Assert.Equal(["inner"], Sorted(await DataHelpers.ListLinesAsync(ftp, "NLST dir")));
        Assert.Empty(await DataHelpers.ListLinesAsync(ftp, "NLST *.none"));
    }

    [Fact]
    [VerbTest("NLST")]
    public async Task Nlst_of_a_missing_directory_gets_550_and_without_data_connection_425()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("NLST missing", 550);
        Assert.Empty(await WireClient.ReadAllAsync(data));
        await ftp.CommandAsync("NLST", 425);
    }

    /// <summary>RFC 3659 §7.5: type, size, modify, perm and unique facts, "fact=value;" pairs, a space, the name.</summary>
    [Fact]
    [VerbTest("MLSD")]
    public async Task Mlsd_reports_the_facts_of_each_entry()
    {
        await using var server = await TestServer.StartAsync();
        var file = DataHelpers.WriteFile(server, "file one.txt", "hello");
        File.SetLastWriteTimeUtc(file, new DateTime(2020, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        File.SetUnixFileMode(file, FileMode644);
        DataHelpers.WriteFile(server, "other.bin", [1, 2]);
        DataHelpers.WriteFile(server, ".dot", "x");
        Directory.CreateDirectory(server.PathOf("sub"));
        await using var ftp = await server.ConnectAsync();
        var entries = ParseMlsd(await DataHelpers.ListLinesAsync(ftp, "MLSD"));
        Assert.Equal([".dot", "file one.txt", "other.bin", "sub"], entries.Keys.Order(StringComparer.Ordinal));

        var facts = entries["file one.txt"];
        Assert.Equal("file", facts["type"]);
        Assert.Equal("5", facts["size"]);
        Assert.Equal("20200506070809", facts["modify"]);
        Assert.Contains("r", facts["perm"], StringComparison.Ordinal);
        Assert.Contains("w", facts["perm"], StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(facts["unique"]));
        Assert.Equal("0644", facts["unix.mode"]);

        var dir = entries["sub"];
        Assert.Equal("dir", dir["type"]);
        Assert.Contains("e", dir["perm"], StringComparison.Ordinal);
        Assert.Contains("l", dir["perm"], StringComparison.Ordinal);
        Assert.Equal(entries.Count, entries.Values.Select(f => f["unique"]).Distinct().Count());
        Assert.Equal("2", entries["other.bin"]["size"]);
    }

    [Fact]
    [VerbTest("MLSD")]
    public async Task Mlsd_of_a_missing_directory_gets_550_and_of_a_file_501()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "x");
        await using var ftp = await server.ConnectAsync();
        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("MLSD missing", 550);
        Assert.Empty(await WireClient.ReadAllAsync(data));
        data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("MLSD file.txt", 501);
        Assert.Empty(await WireClient.ReadAllAsync(data));
        await ftp.CommandAsync("MLSD", 425);
    }

    [Fact]
    [VerbTest("MLSD")]
    public async Task Mlsd_of_a_subdirectory()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "a/b/deep.txt", "deep");
        await using var ftp = await server.ConnectAsync();
        var entries = ParseMlsd(await DataHelpers.ListLinesAsync(ftp, "MLSD a/b"));
        Assert.Equal("4", Assert.Single(entries, e => e.Key == "deep.txt").Value["size"]);
    }

    /// <summary>RFC 3659 §7.2: MLST answers on the control connection, the facts line starting with exactly one space.</summary>
    [Fact]
    [VerbTest("MLST")]
    public async Task Mlst_replies_multi_line_250_with_the_facts_line()
    {
        await using var server = await TestServer.StartAsync();
        var file = DataHelpers.WriteFile(server, "dir/file.txt", "hello");
        File.SetLastWriteTimeUtc(file, new DateTime(2021, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("MLST dir/file.txt", 250);
        Assert.True(reply.Lines.Count >= 3, reply.ToString());
        Assert.StartsWith("250-", reply.Lines[0], StringComparison.Ordinal);
        Assert.StartsWith("250 ", reply.Lines[^1], StringComparison.Ordinal);
        var factLine = Assert.Single(reply.Lines, l => l.StartsWith(' '));
        Assert.False(factLine.StartsWith("  ", StringComparison.Ordinal), factLine);
        var facts = ParseFacts(factLine[1..], out var name);
        Assert.EndsWith("file.txt", name, StringComparison.Ordinal);
        Assert.Equal("file", facts["type"]);
        Assert.Equal("5", facts["size"]);
        Assert.Equal("20210102030405", facts["modify"]);

        var dirReply = await ftp.CommandAsync("MLST dir", 250);
        Assert.Equal("dir", ParseFacts(Assert.Single(dirReply.Lines, l => l.StartsWith(' '))[1..], out _)["type"]);
        await ftp.CommandAsync("CWD dir", 250);
        var current = await ftp.CommandAsync("MLST", 250);
        var currentFacts = ParseFacts(Assert.Single(current.Lines, l => l.StartsWith(' '))[1..], out _);
        Assert.True(currentFacts["type"] is "dir" or "cdir", currentFacts["type"]);
    }

    [Fact]
    [VerbTest("MLST")]
    public async Task Mlst_of_a_missing_path_gets_550()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("MLST missing.txt", 550);
    }

    /// <summary>RFC 3659 §7.9: OPTS MLST selects the facts MLSD and MLST report.</summary>
    [Fact]
    [VerbTest("OPTS", "MLSD", "MLST")]
    public async Task Opts_mlst_selects_the_reported_facts()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "hello");
        await using var ftp = await server.ConnectAsync();
        var reply = await ftp.CommandAsync("OPTS MLST type;size;", 200);
        Assert.Contains("type;size;", reply.Text, StringComparison.OrdinalIgnoreCase);
        var facts = ParseMlsd(await DataHelpers.ListLinesAsync(ftp, "MLSD"))["file.txt"];
        Assert.Equal(["size", "type"], facts.Keys.Order(StringComparer.Ordinal));
        var mlst = await ftp.CommandAsync("MLST file.txt", 250);
        Assert.Equal(["size", "type"], ParseFacts(Assert.Single(mlst.Lines, l => l.StartsWith(' '))[1..], out _).Keys.Order(StringComparer.Ordinal));

        var feat = await ftp.CommandAsync("FEAT", 211);
        var mlstLine = Assert.Single(feat.Lines, l => l.StartsWith(" MLST ", StringComparison.Ordinal));
        Assert.Contains("type*;", mlstLine, StringComparison.Ordinal);
        Assert.Contains("size*;", mlstLine, StringComparison.Ordinal);
        Assert.Contains("modify;", mlstLine, StringComparison.Ordinal);

        // Unknown facts are ignored; an empty selection reports no facts at all.
        await ftp.CommandAsync("OPTS MLST bogus;modify;", 200);
        Assert.Equal(["modify"], ParseMlsd(await DataHelpers.ListLinesAsync(ftp, "MLSD"))["file.txt"].Keys);
    }

    private static DateTime TruncateToMinute(DateTime time) =>
        new(time.Year, time.Month, time.Day, time.Hour, time.Minute, 0, DateTimeKind.Utc);

    private static string[] Names(string[] listLines) =>
        [.. listLines.Select(l =>
        {
            var match = ListLine().Match(l);
            Assert.True(match.Success, "not an ls -l line: " + l);
            return match.Groups["name"].Value;
        }).Order(StringComparer.Ordinal)];

    private static string[] Sorted(string[] lines) => [.. lines.Order(StringComparer.Ordinal)];

    private static Dictionary<string, Dictionary<string, string>> ParseMlsd(string[] lines) =>
        lines.Select(l => (Facts: ParseFacts(l, out var name), Name: name)).ToDictionary(e => e.Name, e => e.Facts, StringComparer.Ordinal);

    /// <summary>RFC 3659 §7.2: "fact=value;" pairs (names case-insensitive, lower-cased here), one space, the name.</summary>
    private static Dictionary<string, string> ParseFacts(string line, out string name)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        Assert.True(space >= 0, "no space before the name: " + line);
        name = line[(space + 1)..];
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in line[..space].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, "fact without '=': " + line);
            facts[pair[..equals].ToLowerInvariant()] = pair[(equals + 1)..];
        }

        return facts;
    }
}
