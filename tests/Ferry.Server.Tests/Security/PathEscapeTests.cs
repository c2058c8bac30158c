using System.Text;
using Ferry.Server.Tests.Robustness;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Security;

/// <summary>
/// Confinement to the user's root: "..", absolute paths, encodings, NUL bytes and backslashes must
/// never reach a file outside it, and no reply may reveal where the root lives on the host.
/// A secret file sits in the server's folder, the parent of alice's root.
/// </summary>
public sealed class PathEscapeTests
{
    private const string Secret = "TOP SECRET: outside the root";

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("/../secret.txt")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/../../../../etc/passwd")]
    [InlineData("..\\secret.txt")]
    [InlineData("..%2fsecret.txt")]
    [InlineData("%2e%2e/secret.txt")]
    [InlineData("sub/../../secret.txt")]
    [InlineData("./.././secret.txt")]
    [InlineData("//..//secret.txt")]
    [VerbTest("RETR")]
    public async Task Retr_outside_the_root_is_refused_and_sends_no_data(string path)
    {
        await using var server = await StartWithSecretAsync();
        Directory.CreateDirectory(server.PathOf("sub"));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var (reply, data) = await RetrAsync(ftp, path);

        Assert.True(reply.Code == 550, $"RETR {path}: expected 550, got {reply}");
        Assert.Empty(data);
        AssertNoLeak(server, reply);
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task Cwd_above_the_root_stays_at_the_root()
    {
        await using var server = await StartWithSecretAsync();
        await using var ftp = await server.ConnectAsync();

        var up = await ftp.SendAndReadAsync("CWD ..");
        Assert.True(up.Code is 250 or 550, up.ToString());
        AssertNoLeak(server, up);
        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);

        var twice = await ftp.SendAndReadAsync("CWD /../..");
        Assert.True(twice.Code is 250 or 550, twice.ToString());
        AssertNoLeak(server, twice);
        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);

        await ftp.CommandAsync("CDUP", 250);
        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);

        // Still the root: a relative name outside is not found, the file inside is.
        await ftp.CommandAsync("SIZE secret.txt", 550);
        await ftp.CommandAsync("SIZE inside.txt", 213);
    }

    [Fact]
    public async Task Percent_encoding_is_taken_literally_not_decoded()
    {
        await using var server = await StartWithSecretAsync();
        await using var ftp = await server.ConnectAsync();

        var encoded = await ftp.CommandAsync("SIZE ..%2fsecret.txt", 550);
        AssertNoLeak(server, encoded);

        // A file really named "..%2fsecret.txt" is found under that very name.
        await File.WriteAllTextAsync(server.PathOf("..%2fsecret.txt"), "12345");
        var literal = await ftp.CommandAsync("SIZE ..%2fsecret.txt", 213);
        Assert.Equal("5", literal.Text);
    }

    [Fact]
    [VerbTest("RETR", "SIZE", "CWD")]
    public async Task A_nul_byte_in_a_name_is_refused_without_truncation_or_crash()
    {
        await using var server = await StartWithSecretAsync();
        // A server that cut the name at the NUL would serve "a".
        await File.WriteAllTextAsync(server.PathOf("a"), "the file named a");
        await using var ftp = await server.ConnectAsync();

        foreach (var verb in new[] { "RETR", "SIZE", "CWD", "DELE", "MKD", "STOR" })
        {
            await ftp.SendRawAsync(Encoding.ASCII.GetBytes(verb + " a\0b\r\n"));
            var reply = await ftp.ReadReplyAsync();
            Assert.True(reply.Code is 553 or 550 or 501 or 425, $"{verb} a<NUL>b: got {reply}");
            AssertNoLeak(server, reply);
        }

        Assert.Equal("the file named a", await File.ReadAllTextAsync(server.PathOf("a")));
        await ftp.CommandAsync("NOOP", 200);
        await ftp.CommandAsync("SIZE a", 213);
    }

    [Fact]
    [VerbTest("MKD", "STOR", "RNFR", "RNTO", "DELE")]
    public async Task Changes_aimed_outside_the_root_never_touch_the_host()
    {
        await using var server = await StartWithSecretAsync();
        var replies = new List<FtpReplyText>();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        replies.Add(await ftp.SendAndReadAsync("MKD ../escape"));
        replies.Add(await ftp.SendAndReadAsync("MKD /../../escape2"));
        replies.Add(await DataHelpers.TryUploadAsync(ftp, "STOR ../evil.txt", "evil"));
        replies.Add(await DataHelpers.TryUploadAsync(ftp, "STOR /../../evil2.txt", "evil"));
        replies.Add(await DataHelpers.TryUploadAsync(ftp, "STOR ..\\evil3.txt", "evil"));

        var rnfr = await ftp.SendAndReadAsync("RNFR inside.txt");
        replies.Add(rnfr);
        Assert.Equal(350, rnfr.Code);
        replies.Add(await ftp.SendAndReadAsync("RNTO ../moved.txt"));

        // The other way round: pulling the secret into the root must not work either.
        replies.Add(await ftp.SendAndReadAsync("RNFR ../secret.txt"));
        replies.Add(await ftp.SendAndReadAsync("RNTO stolen.txt"));

        replies.Add(await ftp.SendAndReadAsync("DELE ../secret.txt"));
        replies.Add(await ftp.SendAndReadAsync("DELE /../secret.txt"));
        replies.Add(await ftp.SendAndReadAsync("RMD ../root"));
        replies.Add(await ftp.SendAndReadAsync("SITE CHMOD 777 ../secret.txt"));
        replies.Add(await ftp.SendAndReadAsync("MFMT 20000101000000 ../secret.txt"));

        foreach (var name in new[] { "escape", "escape2", "evil.txt", "evil2.txt", "evil3.txt", "moved.txt", "stolen.txt" })
        {
            Assert.False(File.Exists(Path.Combine(server.Folder, name)) || Directory.Exists(Path.Combine(server.Folder, name)),
                $"{name} was created outside the root");
        }

        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(server.Folder)!, "escape2")));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(server.Folder)!, "evil2.txt")));
        Assert.False(File.Exists(server.PathOf("stolen.txt")), "the secret was renamed into the root");
        AssertSecretUntouched(server);
        Assert.True(Directory.Exists(server.Root));
        foreach (var reply in replies)
        {
            AssertNoLeak(server, reply);
        }
    }

    [Fact]
    [VerbTest("CWD", "RETR", "LIST", "NLST", "MLSD", "SIZE", "MLST")]
    public async Task A_symlink_to_etc_cannot_be_entered_read_or_listed()
    {
        await using var server = await StartWithSecretAsync();
        Directory.CreateSymbolicLink(server.PathOf("etc-link"), "/etc");
        var replies = new List<FtpReplyText>();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        replies.Add(await ftp.CommandAsync("CWD etc-link", 550));
        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
        var (retr, data) = await RetrAsync(ftp, "etc-link/passwd");
        replies.Add(retr);
        Assert.Equal(550, retr.Code);
        Assert.Empty(data);
        replies.Add(await ftp.CommandAsync("SIZE etc-link/passwd", 550));
        replies.Add(await ftp.CommandAsync("CWD /etc-link/", 550));
        replies.Add(await ftp.CommandAsync("MLST etc-link/passwd", 550));

        var list = await ListAsync(ftp, "LIST");
        Assert.DoesNotContain("etc-link", list, StringComparison.Ordinal);
        Assert.Contains("inside.txt", list, StringComparison.Ordinal);
        var nlst = await ListAsync(ftp, "NLST");
        Assert.DoesNotContain("etc-link", nlst, StringComparison.Ordinal);

        // Listing through the link shows nothing of /etc.
        var (listThrough, listThroughData) = await DataHelpers.TryDownloadAsync(ftp, "LIST etc-link");
        replies.Add(listThrough);
        Assert.Equal(550, listThrough.Code);
        Assert.DoesNotContain("passwd", Encoding.UTF8.GetString(listThroughData), StringComparison.Ordinal);
        var (mlsd, mlsdData) = await DataHelpers.TryDownloadAsync(ftp, "MLSD etc-link");
        replies.Add(mlsd);
        Assert.Equal(550, mlsd.Code);
        Assert.Empty(mlsdData);
        foreach (var reply in replies)
        {
            AssertNoLeak(server, reply);
        }
    }

    [Fact]
    [VerbTest("RETR", "SITE", "MFMT")]
    public async Task A_symlink_to_a_file_outside_cannot_be_read_or_changed()
    {
        await using var server = await StartWithSecretAsync();
        var secret = Path.Combine(server.Folder, "secret.txt");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var mtime = File.GetLastWriteTimeUtc(secret);
        File.CreateSymbolicLink(server.PathOf("secret-link"), secret);
        var replies = new List<FtpReplyText>();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var (retr, data) = await RetrAsync(ftp, "secret-link");
        replies.Add(retr);
        Assert.Equal(550, retr.Code);
        Assert.Empty(data);
        replies.Add(await ftp.CommandAsync("SIZE secret-link", 550));
        replies.Add(await ftp.SendAndReadAsync("SITE CHMOD 777 secret-link"));
        replies.Add(await ftp.SendAndReadAsync("MFMT 20000101000000 secret-link"));
        replies.Add(await DataHelpers.TryUploadAsync(ftp, "STOR secret-link", "overwritten"));
        replies.Add(await DataHelpers.TryUploadAsync(ftp, "APPE secret-link", "appended"));
        Assert.DoesNotContain("secret-link", await ListAsync(ftp, "LIST"), StringComparison.Ordinal);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(secret));
        AssertSecretUntouched(server);
        foreach (var reply in replies)
        {
            Assert.True(reply.Code >= 500, $"an operation through secret-link succeeded: {reply}");
            AssertNoLeak(server, reply);
        }
    }

    [Fact]
    [VerbTest("CWD", "RETR")]
    public async Task A_symlink_to_a_directory_inside_the_root_works()
    {
        await using var server = await StartWithSecretAsync();
        Directory.CreateDirectory(server.PathOf("real"));
        await File.WriteAllTextAsync(server.PathOf("real/inner.txt"), "inner content");
        Directory.CreateSymbolicLink(server.PathOf("alias"), server.PathOf("real"));
        File.CreateSymbolicLink(server.PathOf("inner-alias.txt"), server.PathOf("real/inner.txt"));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var (direct, directData) = await RetrAsync(ftp, "alias/inner.txt");
        Assert.Equal(226, direct.Code);
        Assert.Equal("inner content", Encoding.UTF8.GetString(directData));
        var (fileLink, fileLinkData) = await RetrAsync(ftp, "inner-alias.txt");
        Assert.Equal(226, fileLink.Code);
        Assert.Equal("inner content", Encoding.UTF8.GetString(fileLinkData));

        await ftp.CommandAsync("CWD alias", 250);
        Assert.StartsWith("\"/alias\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
        var (relative, relativeData) = await RetrAsync(ftp, "inner.txt");
        Assert.Equal(226, relative.Code);
        Assert.Equal("inner content", Encoding.UTF8.GetString(relativeData));
        Assert.Contains("inner.txt", await ListAsync(ftp, "NLST"), StringComparison.Ordinal);

        // ".." is virtual: from /alias it leads back to the root, not to the link target's parent.
        await ftp.CommandAsync("CWD ..", 250);
        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("CWD", "RETR", "STOR", "MKD", "DELE")]
    public async Task A_relative_symlink_climbing_out_of_a_subdirectory_is_refused()
    {
        await using var server = await StartWithSecretAsync();
        Directory.CreateDirectory(server.PathOf("sub"));
        Directory.CreateSymbolicLink(server.PathOf("sub/up"), "../../");
        Directory.CreateDirectory(Path.Combine(server.Folder, "outside"));
        await File.WriteAllTextAsync(Path.Combine(server.Folder, "outside", "victim.txt"), "victim");
        Directory.CreateSymbolicLink(server.PathOf("out-link"), Path.Combine(server.Folder, "outside"));
        var replies = new List<FtpReplyText>();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        replies.Add(await ftp.CommandAsync("CWD sub/up", 550));
        var (retr, data) = await RetrAsync(ftp, "sub/up/secret.txt");
        replies.Add(retr);
        Assert.Equal(550, retr.Code);
        Assert.Empty(data);
        await ftp.CommandAsync("CWD sub", 250);
        replies.Add(await ftp.CommandAsync("CWD up", 550));
        replies.Add(await ftp.CommandAsync("SIZE up/secret.txt", 550));
        Assert.DoesNotContain("up", (await ListAsync(ftp, "NLST")).Split('\n', StringSplitOptions.TrimEntries));
        await ftp.CommandAsync("CWD /", 250);

        // Writes through a link to a writable directory outside.
        replies.Add(await DataHelpers.TryUploadAsync(ftp, "STOR out-link/evil.txt", "evil"));
        replies.Add(await DataHelpers.TryUploadAsync(ftp, "STOR sub/up/evil.txt", "evil"));
        replies.Add(await ftp.SendAndReadAsync("MKD out-link/newdir"));
        replies.Add(await ftp.SendAndReadAsync("MKD sub/up/newdir"));
        replies.Add(await ftp.SendAndReadAsync("DELE out-link/victim.txt"));
        replies.Add(await ftp.SendAndReadAsync("DELE sub/up/secret.txt"));
        replies.Add(await ftp.SendAndReadAsync("RNFR out-link/victim.txt"));
        replies.Add(await ftp.SendAndReadAsync("RNTO victim.txt"));
        replies.Add(await ftp.SendAndReadAsync("RNFR inside.txt"));
        replies.Add(await ftp.SendAndReadAsync("RNTO out-link/moved.txt"));

        Assert.False(File.Exists(Path.Combine(server.Folder, "outside", "evil.txt")));
        Assert.False(File.Exists(Path.Combine(server.Folder, "evil.txt")));
        Assert.False(Directory.Exists(Path.Combine(server.Folder, "outside", "newdir")));
        Assert.False(Directory.Exists(Path.Combine(server.Folder, "newdir")));
        Assert.False(File.Exists(Path.Combine(server.Folder, "outside", "moved.txt")));
        Assert.True(File.Exists(server.PathOf("inside.txt")));
        Assert.Equal("victim", await File.ReadAllTextAsync(Path.Combine(server.Folder, "outside", "victim.txt")));
        Assert.False(File.Exists(server.PathOf("victim.txt")));
        AssertSecretUntouched(server);
        foreach (var reply in replies)
        {
            Assert.True(reply.Code >= 500 || reply.Code == 350, $"an operation through an escaping link succeeded: {reply}");
            AssertNoLeak(server, reply);
        }
    }

    [Fact]
    [VerbTest("STOR")]
    public async Task A_dangling_symlink_pointing_outside_does_not_let_stor_create_the_target()
    {
        await using var server = await StartWithSecretAsync();
        var target = Path.Combine(server.Folder, "created-through-link.txt");
        File.CreateSymbolicLink(server.PathOf("dangle"), target);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var stor = await DataHelpers.TryUploadAsync(ftp, "STOR dangle", "planted");
        var appe = await DataHelpers.TryUploadAsync(ftp, "APPE dangle", "planted");
        var mkd = await ftp.SendAndReadAsync("MKD dangle");

        Assert.False(File.Exists(target), $"STOR followed a dangling link outside the root (replies: {stor}; {appe}; {mkd})");
        Assert.False(Directory.Exists(target));
        Assert.True(stor.Code >= 500, stor.ToString());
        Assert.True(appe.Code >= 500, appe.ToString());
        AssertNoLeak(server, stor);
        AssertNoLeak(server, appe);
        AssertNoLeak(server, mkd);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xAE, 0xC0, 0xAE, (byte)'/' })]
    [InlineData(new byte[] { (byte)'.', (byte)'.', 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xE0, 0x80, 0xAE, 0xE0, 0x80, 0xAE, (byte)'/' })]
    [InlineData(new byte[] { (byte)'.', (byte)'.', 0xEF, 0xBC, 0x8F })]
    [InlineData(new byte[] { (byte)'.', (byte)'.', 0xE2, 0x88, 0x95 })]
    [VerbTest("SIZE")]
    public async Task Overlong_utf8_and_lookalike_slashes_do_not_climb_out(byte[] prefix)
    {
        // Overlong encodings of '.' and '/' (C0 AE, C0 AF, E0 80 AE), a fullwidth solidus (U+FF0F)
        // and a division slash (U+2215) must stay ordinary characters of one name.
        await using var server = await StartWithSecretAsync();
        await using var ftp = await server.ConnectAsync();

        foreach (var verb in new[] { "SIZE ", "MDTM ", "CWD " })
        {
            var name = prefix.Concat(Encoding.ASCII.GetBytes(verb == "CWD " ? string.Empty : "secret.txt"));
            await ftp.SendRawAsync([.. Encoding.ASCII.GetBytes(verb), .. name, (byte)'\r', (byte)'\n']);
            var reply = await ftp.ReadReplyAsync();
            Assert.True(reply.Code is 550 or 553 or 501, $"{verb}{Convert.ToHexString(prefix)}...: {reply}");
            AssertNoLeak(server, reply);
        }

        Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("CWD", "RETR", "STAT")]
    public async Task A_directory_swapped_for_an_outside_symlink_after_cwd_is_refused()
    {
        // A local user (or another tool) replaces the session's working directory by a link out.
        await using var server = await StartWithSecretAsync();
        Directory.CreateDirectory(server.PathOf("work"));
        await File.WriteAllTextAsync(server.PathOf("work/own.txt"), "own");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        await ftp.CommandAsync("CWD work", 250);
        await ftp.CommandAsync("SIZE own.txt", 213);

        Directory.Delete(server.PathOf("work"), recursive: true);
        Directory.CreateSymbolicLink(server.PathOf("work"), server.Folder);

        var (retr, data) = await RetrAsync(ftp, "secret.txt");
        Assert.Equal(550, retr.Code);
        Assert.Empty(data);
        var size = await ftp.CommandAsync("SIZE secret.txt", 550);
        var stat = await ftp.SendAndReadAsync("STAT .");
        Assert.DoesNotContain("secret.txt", stat.ToString(), StringComparison.Ordinal);
        var stor = await DataHelpers.TryUploadAsync(ftp, "STOR planted.txt", "planted");
        Assert.False(File.Exists(Path.Combine(server.Folder, "planted.txt")), $"STOR wrote through the swapped link: {stor}");
        foreach (var reply in new[] { retr, size, stat, stor })
        {
            AssertNoLeak(server, reply);
        }

        AssertSecretUntouched(server);
    }

    [Fact]
    [VerbTest("STAT", "MLST")]
    public async Task Stat_and_mlst_through_an_outside_symlink_show_nothing()
    {
        await using var server = await StartWithSecretAsync();
        Directory.CreateSymbolicLink(server.PathOf("etc-link"), "/etc");
        File.CreateSymbolicLink(server.PathOf("secret-link"), Path.Combine(server.Folder, "secret.txt"));
        await using var ftp = await server.ConnectAsync();

        foreach (var line in new[] { "STAT etc-link", "STAT etc-link/passwd", "STAT secret-link", "STAT ..", "MLST etc-link", "MLST secret-link", "MLST .." })
        {
            var reply = await ftp.SendAndReadAsync(line);
            var text = reply.ToString();
            Assert.DoesNotContain("passwd", text, StringComparison.Ordinal);
            Assert.DoesNotContain("secret.txt", text, StringComparison.Ordinal);
            Assert.DoesNotContain("shadow", text, StringComparison.Ordinal);
            AssertNoLeak(server, reply);
        }

        var root = await ftp.SendAndReadAsync("STAT /");
        Assert.Equal(212, root.Code);
        Assert.Contains("inside.txt", root.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("etc-link", root.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret-link", root.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("RETR", "CWD", "SIZE")]
    public async Task A_symlink_that_leaves_the_home_on_its_way_is_refused_even_when_it_comes_back()
    {
        // Every step of a lookup must stay below the home (openat2's RESOLVE_BENEATH): a link
        // that climbs out and names the home again from outside is refused, not followed.
        await using var server = await StartWithSecretAsync();
        Directory.CreateDirectory(server.PathOf("sub"));
        File.CreateSymbolicLink(server.PathOf("sub/round-trip.txt"), "../../root/inside.txt");
        Directory.CreateSymbolicLink(server.PathOf("sub/round-trip-dir"), "../../root");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var (retr, data) = await RetrAsync(ftp, "sub/round-trip.txt");
        Assert.Equal(550, retr.Code);
        Assert.Empty(data);
        await ftp.CommandAsync("CWD sub/round-trip-dir", 550);
        await ftp.CommandAsync("SIZE sub/round-trip-dir/inside.txt", 550);
        AssertNoLeak(server, retr);
    }

    [Fact]
    [VerbTest("RETR", "CWD", "LIST")]
    public async Task Links_into_proc_are_refused()
    {
        // /proc/self/root and /proc/self/cwd lead to the whole machine; the fd links below
        // /proc/self/fd are "magic" (RESOLVE_NO_MAGICLINKS). Absolute, so outside the home anyway.
        await using var server = await StartWithSecretAsync();
        Directory.CreateSymbolicLink(server.PathOf("proc-root"), "/proc/self/root");
        Directory.CreateSymbolicLink(server.PathOf("proc-cwd"), "/proc/self/cwd");
        File.CreateSymbolicLink(server.PathOf("proc-fd"), "/proc/self/fd/0");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        foreach (var path in new[] { "proc-root/etc/passwd", "proc-cwd/" + Path.GetFileName(server.Folder) + "/secret.txt", "proc-fd" })
        {
            var (retr, data) = await RetrAsync(ftp, path);
            Assert.True(retr.Code == 550, $"RETR {path}: {retr}");
            Assert.Empty(data);
        }

        await ftp.CommandAsync("CWD proc-root", 550);
        Assert.DoesNotContain("proc-", await ListAsync(ftp, "LIST"), StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("RETR", "STOR", "MKD", "CWD")]
    public async Task An_absolute_link_back_into_the_home_works_and_a_link_out_beyond_it_does_not()
    {
        // Absolute links are refused by openat2's RESOLVE_BENEATH and taken by the component walk,
        // which admits one only when it names the home's own path.
        await using var server = await StartWithSecretAsync();
        Directory.CreateDirectory(server.PathOf("real"));
        await File.WriteAllTextAsync(server.PathOf("real/inner.txt"), "inner content");
        Directory.CreateSymbolicLink(server.PathOf("alias"), server.PathOf("real"));
        Directory.CreateSymbolicLink(server.PathOf("real/up"), "../..");
        Directory.CreateSymbolicLink(server.PathOf("lookalike"), server.Root + "-not");
        Directory.CreateDirectory(server.Root + "-not");
        await File.WriteAllTextAsync(server.Root + "-not/inner.txt", Secret);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var (inside, insideData) = await RetrAsync(ftp, "alias/inner.txt");
        Assert.Equal(226, inside.Code);
        Assert.Equal("inner content", Encoding.UTF8.GetString(insideData));
        Assert.Equal(226, (await DataHelpers.TryUploadAsync(ftp, "STOR alias/new.txt", "new")).Code);
        Assert.Equal("new", await File.ReadAllTextAsync(server.PathOf("real/new.txt")));
        await ftp.CommandAsync("MKD alias/newdir", 257);
        Assert.True(Directory.Exists(server.PathOf("real/newdir")));

        var (up, upData) = await RetrAsync(ftp, "alias/up/secret.txt");
        Assert.Equal(550, up.Code);
        Assert.Empty(upData);
        await ftp.CommandAsync("CWD alias/up", 550);

        // The home's path as a mere string prefix ("/tmp/x/root-not") is another folder.
        var (lookalike, lookalikeData) = await RetrAsync(ftp, "lookalike/inner.txt");
        Assert.Equal(550, lookalike.Code);
        Assert.Empty(lookalikeData);
        Assert.True((await DataHelpers.TryUploadAsync(ftp, "STOR lookalike/planted.txt", "planted")).Code >= 500);
        Assert.False(File.Exists(server.Root + "-not/planted.txt"));
        AssertSecretUntouched(server);
    }

    [Fact]
    [VerbTest("RETR", "STOR", "MKD", "CWD", "DELE")]
    public async Task Escapes_are_refused_by_the_component_walk_too()
    {
        // The walk is what runs where openat2 is missing (before Linux 5.6, or a seccomp filter).
        await using var server = await TestServer.StartAsync(fileSystemFactory: user => new Storage.Local.LocalFileSystem(user.HomeDirectory, allowHardLinkWrites: false, useOpenat2: false));
        await File.WriteAllTextAsync(Path.Combine(server.Folder, "secret.txt"), Secret);
        await File.WriteAllTextAsync(server.PathOf("inside.txt"), "inside");
        Directory.CreateDirectory(server.PathOf("sub"));
        Directory.CreateSymbolicLink(server.PathOf("sub/up"), "../../");
        Directory.CreateSymbolicLink(server.PathOf("etc-link"), "/etc");
        Directory.CreateSymbolicLink(server.PathOf("sub/inside-link"), "../sub");
        Directory.CreateSymbolicLink(server.PathOf("loop"), "loop");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        foreach (var path in new[] { "sub/up/secret.txt", "etc-link/passwd", "../secret.txt", "loop/x" })
        {
            var (retr, data) = await RetrAsync(ftp, path);
            Assert.True(retr.Code == 550, $"RETR {path}: {retr}");
            Assert.Empty(data);
        }

        Assert.True((await DataHelpers.TryUploadAsync(ftp, "STOR sub/up/evil.txt", "evil")).Code >= 500);
        Assert.True((await ftp.SendAndReadAsync("MKD sub/up/newdir")).Code >= 500);
        Assert.True((await ftp.SendAndReadAsync("DELE sub/up/secret.txt")).Code >= 500);
        await ftp.CommandAsync("CWD etc-link", 550);
        await ftp.CommandAsync("CWD sub/inside-link/inside-link", 250);
        Assert.False(File.Exists(Path.Combine(server.Folder, "evil.txt")));
        Assert.False(Directory.Exists(Path.Combine(server.Folder, "newdir")));
        AssertSecretUntouched(server);
    }

    private static async Task<TestServer> StartWithSecretAsync()
    {
        var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(server.Folder, "secret.txt"), Secret);
        await File.WriteAllTextAsync(server.PathOf("inside.txt"), "inside");
        return server;
    }

    private static void AssertSecretUntouched(TestServer server)
    {
        var secret = Path.Combine(server.Folder, "secret.txt");
        Assert.True(File.Exists(secret), "the secret outside the root was deleted or moved");
        Assert.Equal(Secret, File.ReadAllText(secret));
    }

    private static void AssertNoLeak(TestServer server, FtpReplyText reply)
    {
        var text = reply.ToString();
        Assert.DoesNotContain(server.Folder, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
    }

    /// <summary>EPSV, RETR; the final reply (226, or the refusal) and the bytes that came over the data connection.</summary>
    private static Task<(FtpReplyText Reply, byte[] Data)> RetrAsync(WireClient ftp, string path) => DataHelpers.TryDownloadAsync(ftp, "RETR " + path);

    private static async Task<string> ListAsync(WireClient ftp, string line)
    {
        var (reply, data) = await DataHelpers.TryDownloadAsync(ftp, line);
        Assert.True(reply.Code == 226, $"{line}: {reply}");
        return Encoding.UTF8.GetString(data);
    }

}
