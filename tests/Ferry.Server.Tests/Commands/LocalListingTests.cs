using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ferry.Server.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Commands;

/// <summary>
/// What the local backend's own directory reader (readdir + statx) decides, seen through LIST,
/// NLST, MLSD, MLST and STAT over real sockets: links shown as their targets or hidden, names
/// that are not UTF-8, folders it may not read, and the "unique" fact from device and inode.
/// </summary>
public sealed partial class LocalListingTests
{
    private const UnixFileMode Mode640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode Mode750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    [Fact]
    [VerbTest("LIST", "MLSD")]
    public async Task Symlinks_inside_the_root_are_listed_as_their_targets()
    {
        await using var server = await TestServer.StartAsync();
        var target = DataHelpers.WriteFile(server, "data/real.txt", "eleven char");
        File.SetUnixFileMode(target, Mode640);
        File.SetLastWriteTimeUtc(target, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        Directory.CreateDirectory(server.PathOf("data/folder"));
        File.SetUnixFileMode(server.PathOf("data/folder"), Mode750);
        File.CreateSymbolicLink(server.PathOf("data/file-link"), "real.txt");
        Directory.CreateSymbolicLink(server.PathOf("data/folder-link"), server.PathOf("data/folder"));
        await using var ftp = await server.ConnectAsync();

        var list = ByName(await DataHelpers.ListLinesAsync(ftp, "LIST data"));
        Assert.Equal(["file-link", "folder", "folder-link", "real.txt"], list.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("-rw-r-----   1 alice    alice              11 Feb  3  2001 ", list["file-link"], StringComparison.Ordinal);
        Assert.Equal(list["real.txt"].Replace("real.txt", "file-link", StringComparison.Ordinal), list["file-link"]);
        Assert.StartsWith("drwxr-x---   2 ", list["folder-link"], StringComparison.Ordinal);

        var mlsd = Mlsd(await DataHelpers.ListLinesAsync(ftp, "MLSD data"));
        Assert.Equal("file", mlsd["file-link"]["type"]);
        Assert.Equal("11", mlsd["file-link"]["size"]);
        Assert.Equal("20010203040506", mlsd["file-link"]["modify"]);
        Assert.Equal("0640", mlsd["file-link"]["unix.mode"]);
        Assert.Equal("dir", mlsd["folder-link"]["type"]);
        Assert.Equal("0750", mlsd["folder-link"]["unix.mode"]);

        // RFC 3659 §7.5.2: two names of one object share its unique fact.
        Assert.Equal(mlsd["real.txt"]["unique"], mlsd["file-link"]["unique"]);
        Assert.Equal(mlsd["folder"]["unique"], mlsd["folder-link"]["unique"]);
    }

    [Fact]
    [VerbTest("LIST", "NLST", "MLSD", "STAT")]
    public async Task Dangling_symlinks_and_ones_leading_out_of_the_root_are_hidden()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "kept.txt", "x");
        await File.WriteAllTextAsync(Path.Combine(server.Folder, "outside.txt"), "outside");
        Directory.CreateDirectory(Path.Combine(server.Folder, "outside-dir"));
        File.CreateSymbolicLink(server.PathOf("to-outside-file"), Path.Combine(server.Folder, "outside.txt"));
        Directory.CreateSymbolicLink(server.PathOf("to-outside-dir"), "../outside-dir");
        File.CreateSymbolicLink(server.PathOf("dangling"), server.PathOf("gone.txt"));
        File.CreateSymbolicLink(server.PathOf("loop-a"), server.PathOf("loop-b"));
        File.CreateSymbolicLink(server.PathOf("loop-b"), server.PathOf("loop-a"));
        await using var ftp = await server.ConnectAsync();

        Assert.Equal(["kept.txt"], ByName(await DataHelpers.ListLinesAsync(ftp, "LIST -a")).Keys);
        Assert.Equal(["kept.txt"], await DataHelpers.ListLinesAsync(ftp, "NLST -a"));
        Assert.Equal(["kept.txt"], Mlsd(await DataHelpers.ListLinesAsync(ftp, "MLSD")).Keys);
        var stat = await ftp.CommandAsync("STAT -a /", 212);
        Assert.Single(stat.Lines, l => l.EndsWith(" kept.txt", StringComparison.Ordinal));
        Assert.DoesNotContain(stat.Lines, l => l.Contains("outside", StringComparison.Ordinal) || l.Contains("dangling", StringComparison.Ordinal) || l.Contains("loop", StringComparison.Ordinal));
    }

    /// <summary>
    /// A name that is not UTF-8 (Latin-1 "café" from an old client or a copied disk) is listed,
    /// decoded with U+FFFD for the bad byte as .NET decodes file names, instead of failing the listing.
    /// </summary>
    [Fact]
    [VerbTest("LIST", "NLST", "MLSD")]
    public async Task A_file_name_that_is_not_utf8_is_listed_without_error()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "plain.txt", "x");
        await PythonAsync("import os, sys; open(os.path.join(os.fsencode(sys.argv[1]), b'caf\\xe9.txt'), 'wb').write(b'abc')", server.Root);
        await using var ftp = await server.ConnectAsync();

        var list = ByName(await DataHelpers.ListLinesAsync(ftp, "LIST"));
        Assert.Equal(["caf\uFFFD.txt", "plain.txt"], list.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(" 3 ", list["caf\uFFFD.txt"], StringComparison.Ordinal);
        Assert.Equal(["caf\uFFFD.txt", "plain.txt"], (await DataHelpers.ListLinesAsync(ftp, "NLST")).Order(StringComparer.Ordinal));
        var mlsd = Mlsd(await DataHelpers.ListLinesAsync(ftp, "MLSD"));
        Assert.Equal("3", mlsd["caf\uFFFD.txt"]["size"]);
        Assert.Equal("file", mlsd["caf\uFFFD.txt"]["type"]);
    }

    [NonRootFact("root reads a chmod 000 folder anyway")]
    [VerbTest("LIST", "NLST", "MLSD", "STAT")]
    public async Task An_unreadable_folder_gets_an_error_reply_and_the_session_goes_on()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "locked/inside.txt", "x");
        DataHelpers.WriteFile(server, "listable/inside.txt", "x");
        var locked = server.PathOf("locked");
        var listable = server.PathOf("listable");
        File.SetUnixFileMode(locked, UnixFileMode.None);

        // Readable but not searchable: the names can be read, their status cannot.
        File.SetUnixFileMode(listable, UnixFileMode.UserRead);
        try
        {
            await using var ftp = await server.ConnectAsync();
            foreach (var command in new[] { "LIST locked", "NLST locked", "MLSD locked", "LIST listable", "MLSD listable" })
            {
                var (code, _) = await FinalReplyAsync(ftp, command);
                Assert.True(code is 451 or 550, $"{command}: {code}");
            }

            await ftp.CommandAsync("STAT locked", 550);
            await ftp.CommandAsync("NOOP", 200);
            Assert.Equal(["listable", "locked"], ByName(await DataHelpers.ListLinesAsync(ftp, "LIST")).Keys.Order(StringComparer.Ordinal));
            Assert.Equal("dir", Mlst(await ftp.CommandAsync("MLST locked", 250))["type"]);
        }
        finally
        {
            File.SetUnixFileMode(locked, Mode750);
            File.SetUnixFileMode(listable, Mode750);
        }
    }

    [Fact]
    [VerbTest("MLSD", "MLST")]
    public async Task Hard_links_share_a_unique_fact_made_of_device_and_inode_and_mlst_agrees_with_mlsd()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "dir/first.txt", "same object");
        DataHelpers.WriteFile(server, "dir/other.txt", "another object");
        Directory.CreateDirectory(server.PathOf("dir/sub"));
        await PythonAsync("import os, sys; os.link(sys.argv[1] + '/first.txt', sys.argv[1] + '/second.txt')", server.PathOf("dir"));
        var expected = (await PythonAsync(
            "import os, sys\nfor name in sys.argv[2:]:\n    s = os.stat(os.path.join(sys.argv[1], name))\n    print(name, '%x-%x' % (s.st_dev, s.st_ino))",
            server.PathOf("dir"), "first.txt", "other.txt", "sub"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l.Split(' ')[0], l => l.Split(' ')[1]);
        await using var ftp = await server.ConnectAsync();

        var mlsd = Mlsd(await DataHelpers.ListLinesAsync(ftp, "MLSD dir"));
        Assert.Equal(expected["first.txt"], mlsd["first.txt"]["unique"]);
        Assert.Equal(mlsd["first.txt"]["unique"], mlsd["second.txt"]["unique"]);
        Assert.Equal(expected["other.txt"], mlsd["other.txt"]["unique"]);
        Assert.Equal(expected["sub"], mlsd["sub"]["unique"]);
        Assert.Equal(3, mlsd.Values.Select(f => f["unique"]).Distinct().Count());

        foreach (var name in new[] { "first.txt", "second.txt", "other.txt", "sub" })
        {
            Assert.Equal(mlsd[name], Mlst(await ftp.CommandAsync("MLST dir/" + name, 250)));
        }
    }

    /// <summary>The exact bytes of a LIST and an MLSD line, on a fake clock so "recent" (HH:mm) and "old" (year) are both fixed.</summary>
    [Fact]
    [VerbTest("LIST", "MLSD", "STAT")]
    public async Task List_and_mlsd_lines_of_known_entries_are_exact()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(time: time);
        var old = DataHelpers.WriteFile(server, "known file.txt", new byte[1234]);
        File.SetUnixFileMode(old, Mode640);
        File.SetLastWriteTimeUtc(old, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        var recent = DataHelpers.WriteFile(server, "recent.bin", new byte[7]);
        File.SetUnixFileMode(recent, Mode640);
        File.SetLastWriteTimeUtc(recent, new DateTime(2026, 11, 5, 9, 7, 59, DateTimeKind.Utc));
        var folder = server.PathOf("Ünïcode folder");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, Mode750);
        Directory.SetLastWriteTimeUtc(folder, new DateTime(2026, 7, 1, 23, 59, 0, DateTimeKind.Utc));
        var unique = (await PythonAsync(
            "import os, sys\nfor p in sys.argv[1:]:\n    s = os.stat(p)\n    print('%x-%x' % (s.st_dev, s.st_ino))", old, recent, folder))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await using var ftp = await server.ConnectAsync();

        string[] list =
        [
            "-rw-r-----   1 alice    alice            1234 Feb  3  2001 known file.txt",
            "-rw-r-----   1 alice    alice               7 Nov  5 09:07 recent.bin",
            "drwxr-x---   2 alice    alice               0 Jul  1 23:59 Ünïcode folder",
        ];
        Assert.Equal(list.Order(StringComparer.Ordinal), (await DataHelpers.ListLinesAsync(ftp, "LIST")).Order(StringComparer.Ordinal));
        string[] mlsd =
        [
            $"type=file;size=1234;modify=20010203040506;perm=adfrw;unique={unique[0]};UNIX.mode=0640; known file.txt",
            $"type=file;size=7;modify=20261105090759;perm=adfrw;unique={unique[1]};UNIX.mode=0640; recent.bin",
            $"type=dir;modify=20260701235900;perm=cdeflmp;unique={unique[2]};UNIX.mode=0750; Ünïcode folder",
        ];
        Assert.Equal(mlsd.Order(StringComparer.Ordinal), (await DataHelpers.ListLinesAsync(ftp, "MLSD")).Order(StringComparer.Ordinal));
        var stat = await ftp.CommandAsync("STAT known file.txt", 213);
        // A multi-line reply's inner lines start with a space (RFC 959 §4.2), so a line that starts with a digit is not taken for its end.
        Assert.Equal(" -rw-r-----   1 alice    alice            1234 Feb  3  2001 known file.txt", stat.Lines[1]);
    }

    /// <summary>Enough entries to fill ListingWriter's 64 KiB buffer many times: every entry arrives once, whole, in order of its own line.</summary>
    [Fact]
    [VerbTest("LIST", "MLSD", "NLST")]
    public async Task A_folder_of_thousands_of_entries_is_listed_whole()
    {
        await using var server = await TestServer.StartAsync();
        var folder = server.PathOf("many");
        Directory.CreateDirectory(folder);
        var names = Enumerable.Range(0, 3000).Select(i => $"entry {i:D5} {new string('x', i % 97)}.txt").ToArray();
        for (var i = 0; i < names.Length; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, names[i]), new byte[i % 200]);
        }

        await using var ftp = await server.ConnectAsync();
        var list = ByName(await DataHelpers.ListLinesAsync(ftp, "LIST many"));
        Assert.Equal(names.Order(StringComparer.Ordinal), list.Keys.Order(StringComparer.Ordinal));
        var mlsd = Mlsd(await DataHelpers.ListLinesAsync(ftp, "MLSD many"));
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Equal((i % 200).ToString(CultureInfo.InvariantCulture), mlsd[names[i]]["size"]);
        }

        Assert.Equal(names.Length, (await DataHelpers.ListLinesAsync(ftp, "NLST many")).Length);
    }

    /// <summary>Sends a data command after EPSV and returns its final reply (after the 150, if one came) and the data.</summary>
    private static async Task<(int Code, byte[] Data)> FinalReplyAsync(WireClient ftp, string command)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync(command);
        var first = await ftp.ReadReplyAsync();
        if (first.Code != 150)
        {
            return (first.Code, []);
        }

        var bytes = await WireClient.ReadAllAsync(data);
        return ((await ftp.ReadReplyAsync()).Code, bytes);
    }

    [GeneratedRegex(@"^[-d][-rwx]{9} +\d+ +\S+ +\S+ +\d+ +[A-Z][a-z]{2} +\d{1,2} +(?:\d{2}:\d{2}|\d{4}) (?<name>.+)$")]
    private static partial Regex ListLine();

    /// <summary>LIST lines by name (everything after the date).</summary>
    private static Dictionary<string, string> ByName(string[] lines) =>
        lines.ToDictionary(l =>
        {
            var match = ListLine().Match(l);
            Assert.True(match.Success, "not an ls -l line: " + l);
            return match.Groups["name"].Value;
        }, StringComparer.Ordinal);

    private static Dictionary<string, Dictionary<string, string>> Mlsd(string[] lines) =>
        lines.Select(l => (Facts: Facts(l, out var name), Name: name)).ToDictionary(e => e.Name, e => e.Facts, StringComparer.Ordinal);

    private static Dictionary<string, string> Mlst(FtpReplyText reply) =>
        Facts(Assert.Single(reply.Lines, l => l.StartsWith(' '))[1..], out _);

    /// <summary>RFC 3659 §7.2: "fact=value;" pairs (names lower-cased here), one space, the name.</summary>
    private static Dictionary<string, string> Facts(string line, out string name)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        name = line[(space + 1)..];
        return line[..space].Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0].ToLowerInvariant(), pair => pair[1], StringComparer.Ordinal);
    }

    /// <summary>python3 for what .NET cannot do directly: byte file names, hard links, st_dev and st_ino.</summary>
    private static async Task<string> PythonAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        return (await output).Replace("\r", string.Empty, StringComparison.Ordinal);
    }
}
