using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Ferry.Server.Security;
using Ferry.Server.Storage;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.StorageContract;

/// <summary>
/// The storage contract proven over the wire, written once and run against every backend (one
/// sealed subclass each): uploads (RFC 959 §4.1.3 STOR, STOU, APPE; RFC 3659 §5 REST), downloads,
/// listings (LIST, NLST; RFC 3659 MLSD, MLST, SIZE, MDTM), rename, folders and the error replies
/// a client sees. Everything the tests seed and check goes through the backend's own view
/// (<see cref="StorageUnderTest"/>), so a test that passes on both shows the handlers need nothing
/// of local disk. Small files and one server per test keep it fast and parallel-safe.
/// </summary>
public abstract class StorageContractTests
{
    /// <summary>Starts a test server whose logins get this backend.</summary>
    protected abstract Task<StorageUnderTest> StartAsync();

    [Fact]
    [VerbTest("STOR", "RETR")]
    public async Task Stor_creates_a_file_and_replaces_an_existing_one()
    {
        await using var storage = await StartAsync();
        storage.WriteFile("up.bin", DataHelpers.Pattern(70_000));
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var fresh = DataHelpers.Pattern(100_000);
        await DataHelpers.UploadAsync(ftp, "STOR fresh.bin", fresh);
        Assert.Equal(fresh, storage.ReadFile("fresh.bin"));

        var shorter = Encoding.UTF8.GetBytes("new and shorter\r\n");
        await DataHelpers.UploadAsync(ftp, "STOR up.bin", shorter);
        Assert.Equal(shorter, storage.ReadFile("up.bin"));
        Assert.Equal(shorter, await DataHelpers.DownloadAsync(ftp, "RETR up.bin"));

        await DataHelpers.UploadAsync(ftp, "STOR empty.bin", []);
        Assert.Equal(Array.Empty<byte>(), storage.ReadFile("empty.bin"));
    }

    /// <summary>RFC 1123 §4.1.2.9: STOU names the file it creates in the 150 ("FILE: name") and never replaces one.</summary>
    [Fact]
    [VerbTest("STOU")]
    public async Task Stou_creates_unique_files_and_never_replaces_one()
    {
        await using var storage = await StartAsync();
        storage.WriteFile("report.txt", "original");
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var first = NameIn(await DataHelpers.UploadAsync(ftp, "STOU", [1, 2, 3]));
        var second = NameIn(await DataHelpers.UploadAsync(ftp, "STOU", [4, 5]));
        var taken = NameIn(await DataHelpers.UploadAsync(ftp, "STOU report.txt", Encoding.UTF8.GetBytes("second")));

        Assert.NotEqual(first, second);
        Assert.Equal([1, 2, 3], storage.ReadFile(first));
        Assert.Equal([4, 5], storage.ReadFile(second));
        Assert.NotEqual("report.txt", taken);
        Assert.Equal("original", storage.ReadText("report.txt"));
        Assert.Equal("second", storage.ReadText(taken));

        static string NameIn(FtpReplyText opening)
        {
            Assert.StartsWith("FILE: ", opening.Text, StringComparison.Ordinal);
            return opening.Text["FILE: ".Length..].Trim();
        }
    }

    [Fact]
    [VerbTest("APPE")]
    public async Task Appe_appends_to_an_existing_file_and_creates_a_missing_one()
    {
        await using var storage = await StartAsync();
        storage.WriteFile("log.txt", "abc");
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "APPE log.txt", Encoding.UTF8.GetBytes("def"));
        await DataHelpers.UploadAsync(ftp, "APPE log.txt", Encoding.UTF8.GetBytes("gh"));
        Assert.Equal("abcdefgh", storage.ReadText("log.txt"));
        await DataHelpers.UploadAsync(ftp, "APPE new.txt", Encoding.UTF8.GetBytes("xyz"));
        Assert.Equal("xyz", storage.ReadText("new.txt"));
        Assert.Equal("213 8", (await ftp.CommandAsync("SIZE log.txt", 213)).Lines[0]);
    }

    /// <summary>RFC 3659 §5: REST then RETR sends from the offset; the offset is used once.</summary>
    [Fact]
    [VerbTest("RETR", "REST")]
    public async Task Retr_sends_the_file_and_after_rest_its_tail()
    {
        await using var storage = await StartAsync();
        var content = DataHelpers.Pattern(100_000);
        storage.WriteFile("data.bin", content);
        storage.WriteFile("empty", []);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        Assert.Equal(content, await DataHelpers.DownloadAsync(ftp, "RETR data.bin"));
        Assert.Empty(await DataHelpers.DownloadAsync(ftp, "RETR empty"));

        await ftp.CommandAsync("REST 12345", 350);
        Assert.Equal(content[12345..], await DataHelpers.DownloadAsync(ftp, "RETR data.bin"));
        Assert.Equal(content, await DataHelpers.DownloadAsync(ftp, "RETR data.bin"));
        await ftp.CommandAsync("REST 100000", 350);
        Assert.Empty(await DataHelpers.DownloadAsync(ftp, "RETR data.bin"));

        await ftp.CommandAsync("REST 100001", 350);
        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("RETR data.bin", 554);
        Assert.Empty(await WireClient.ReadAllAsync(data));
    }

    /// <summary>RFC 3659 §5: REST n then STOR replaces everything from n on, a stale tail included.</summary>
    [Fact]
    [VerbTest("REST", "STOR")]
    public async Task Rest_then_stor_resumes_the_upload()
    {
        await using var storage = await StartAsync();
        var content = DataHelpers.Pattern(50_000);
        storage.WriteFile("resume.bin", [.. content[..20_000], .. new byte[5_000]]);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        await ftp.CommandAsync("REST 20000", 350);
        await DataHelpers.UploadAsync(ftp, "STOR resume.bin", content[20_000..]);
        Assert.Equal(content, storage.ReadFile("resume.bin"));

        await ftp.CommandAsync("REST 50001", 350);
        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR resume.bin", 554);
        Assert.Empty(await WireClient.ReadAllAsync(data));
        Assert.Equal(content, storage.ReadFile("resume.bin"));
    }

    /// <summary>RFC 959 §3.1.1.1: TYPE A is CRLF on the wire and LF in storage, both ways; TYPE I leaves bytes alone.</summary>
    [Fact]
    [VerbTest("TYPE", "RETR", "STOR", "SIZE")]
    public async Task Type_a_converts_line_ends_both_ways()
    {
        await using var storage = await StartAsync();
        storage.WriteFile("unix.txt", "one\ntwo\n\nthree");
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE A", 200);
        Assert.Equal("one\r\ntwo\r\n\r\nthree", await DataHelpers.DownloadTextAsync(ftp, "RETR unix.txt"));
        Assert.Equal("213 17", (await ftp.CommandAsync("SIZE unix.txt", 213)).Lines[0]);
        await DataHelpers.UploadAsync(ftp, "STOR up.txt", Encoding.ASCII.GetBytes("alpha\r\nbeta\r\n"));
        Assert.Equal("alpha\nbeta\n", storage.ReadText("up.txt"));

        await ftp.CommandAsync("TYPE I", 200);
        Assert.Equal("213 14", (await ftp.CommandAsync("SIZE unix.txt", 213)).Lines[0]);
        await DataHelpers.UploadAsync(ftp, "STOR raw.txt", Encoding.ASCII.GetBytes("a\r\nb"));
        Assert.Equal("a\r\nb", storage.ReadText("raw.txt"));
    }

    [Fact]
    [VerbTest("LIST", "NLST", "MLSD")]
    public async Task Listings_show_what_was_uploaded()
    {
        await using var storage = await StartAsync();
        storage.WriteFile("seeded.txt", "hello");
        storage.WriteFile("sub/deep.bin", [1, 2, 3, 4]);
        storage.CreateDirectory("empty");
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR uploaded.bin", DataHelpers.Pattern(1234));

        var names = await DataHelpers.ListLinesAsync(ftp, "NLST");
        Assert.Equal(["empty", "seeded.txt", "sub", "uploaded.bin"], names.Order(StringComparer.Ordinal));

        var list = await DataHelpers.ListLinesAsync(ftp, "LIST");
        Assert.Equal(4, list.Length);
        Assert.Matches(@"^-[-rwx]{9} .* 1234 .* uploaded\.bin$", Assert.Single(list, l => l.EndsWith(" uploaded.bin", StringComparison.Ordinal)));
        Assert.Matches(@"^d[-rwx]{9} .* sub$", Assert.Single(list, l => l.EndsWith(" sub", StringComparison.Ordinal)));
        Assert.Matches(@"^-[-rwx]{9} .* 4 .* deep\.bin$", Assert.Single(await DataHelpers.ListLinesAsync(ftp, "LIST sub")));
        Assert.Empty(await DataHelpers.ListLinesAsync(ftp, "LIST empty"));

        var facts = (await DataHelpers.ListLinesAsync(ftp, "MLSD")).Select(ParseFacts).ToDictionary(f => f.Name, f => f.Facts);
        Assert.Equal(["empty", "seeded.txt", "sub", "uploaded.bin"], facts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("file", facts["uploaded.bin"]["type"]);
        Assert.Equal("1234", facts["uploaded.bin"]["size"]);
        Assert.Equal("5", facts["seeded.txt"]["size"]);
        Assert.Equal("dir", facts["sub"]["type"]);
        Assert.Equal(facts.Count, facts.Values.Select(f => f["unique"]).Distinct().Count());
        Assert.Equal("4", ParseFacts(Assert.Single(await DataHelpers.ListLinesAsync(ftp, "MLSD sub"))).Facts["size"]);
    }

    /// <summary>RFC 3659 §7.2, §4, §3: MLST on the control connection, SIZE and MDTM; MFMT (draft-somers-ftp-mfxx) read back by MDTM.</summary>
    [Fact]
    [VerbTest("MLST", "SIZE", "MDTM", "MFMT")]
    public async Task Mlst_size_and_mdtm_describe_a_file()
    {
        await using var storage = await StartAsync();
        storage.WriteFile("dir/file.txt", "hello");
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var reply = await ftp.CommandAsync("MLST dir/file.txt", 250);
        var (name, facts) = ParseFacts(Assert.Single(reply.Lines, l => l.StartsWith(' '))[1..]);
        Assert.EndsWith("file.txt", name, StringComparison.Ordinal);
        Assert.Equal("file", facts["type"]);
        Assert.Equal("5", facts["size"]);
        Assert.Equal("dir", ParseFacts(Assert.Single((await ftp.CommandAsync("MLST dir", 250)).Lines, l => l.StartsWith(' '))[1..]).Facts["type"]);

        Assert.Equal("213 5", (await ftp.CommandAsync("SIZE dir/file.txt", 213)).Lines[0]);
        var written = DateTime.ParseExact((await ftp.CommandAsync("MDTM dir/file.txt", 213)).Text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.InRange(written, DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddDays(1));

        if (!storage.Capabilities.HasFlag(FileSystemCapabilities.SetModificationTime))
        {
            // A backend that cannot set times (S3): 502 (CapabilityTests), and the time stays.
            var before = (await ftp.CommandAsync("MDTM dir/file.txt", 213)).Lines[0];
            await ftp.CommandAsync("MFMT 20200506070809 dir/file.txt", 502);
            Assert.Equal(before, (await ftp.CommandAsync("MDTM dir/file.txt", 213)).Lines[0]);
            return;
        }

        await ftp.CommandAsync("MFMT 20200506070809 dir/file.txt", 213);
        Assert.Equal("213 20200506070809", (await ftp.CommandAsync("MDTM dir/file.txt", 213)).Lines[0]);
        Assert.Equal("20200506070809", ParseFacts(Assert.Single((await ftp.CommandAsync("MLST dir/file.txt", 250)).Lines, l => l.StartsWith(' '))[1..]).Facts["modify"]);
    }

    [Fact]
    [VerbTest("RNFR", "RNTO")]
    public async Task Rnfr_rnto_renames_files_and_folders_and_replaces_a_file()
    {
        await using var storage = await StartAsync();
        storage.WriteFile("old.txt", "content");
        storage.WriteFile("folder/inside.txt", "inside");
        storage.WriteFile("target.txt", "to be replaced");
        storage.WriteFile("other/keep.txt", "keep");
        await using var ftp = await storage.Server.ConnectAsync();

        await ftp.CommandAsync("RNFR old.txt", 350);
        await ftp.CommandAsync("RNTO new.txt", 250);
        Assert.Null(storage.ReadFile("old.txt"));
        Assert.Equal("content", storage.ReadText("new.txt"));

        // A folder moves with what it holds.
        await ftp.CommandAsync("RNFR folder", 350);
        await ftp.CommandAsync("RNTO moved", 250);
        Assert.False(storage.DirectoryExists("folder"));
        Assert.Equal("inside", storage.ReadText("moved/inside.txt"));

        // Into another folder under a new name.
        await ftp.CommandAsync("RNFR new.txt", 350);
        await ftp.CommandAsync("RNTO moved/renamed.txt", 250);
        Assert.Equal("content", storage.ReadText("moved/renamed.txt"));

        // Onto an existing file: replaced (the user has Overwrite).
        await ftp.CommandAsync("RNFR moved/renamed.txt", 350);
        await ftp.CommandAsync("RNTO target.txt", 250);
        Assert.Equal("content", storage.ReadText("target.txt"));

        // A folder onto an existing folder, a file onto a folder, a folder into itself: refused, nothing moves.
        await ftp.CommandAsync("RNFR moved", 350);
        await ftp.CommandAsync("RNTO other", 550);
        await ftp.CommandAsync("RNFR target.txt", 350);
        await ftp.CommandAsync("RNTO other", 550);
        await ftp.CommandAsync("RNFR moved", 350);
        await ftp.SendAsync("RNTO moved/inner");
        Assert.InRange((await ftp.ReadReplyAsync()).Code, 550, 553);
        Assert.Equal("inside", storage.ReadText("moved/inside.txt"));
        Assert.Equal("keep", storage.ReadText("other/keep.txt"));
        Assert.Equal("content", storage.ReadText("target.txt"));

        await ftp.CommandAsync("RNFR missing.txt", 550);
        await ftp.CommandAsync("RNFR target.txt", 350);
        await ftp.CommandAsync("RNTO nowhere/target.txt", 550);
        Assert.Equal("content", storage.ReadText("target.txt"));
    }

    [Fact]
    [VerbTest("MKD", "RMD", "DELE")]
    public async Task Mkd_rmd_and_dele_change_the_tree_and_refuse_what_cannot_be()
    {
        await using var storage = await StartAsync();
        storage.WriteFile("full/inside.txt", "x");
        storage.WriteFile("file.txt", "x");
        await using var ftp = await storage.Server.ConnectAsync();

        Assert.Contains("\"/made\"", (await ftp.CommandAsync("MKD made", 257)).Text, StringComparison.Ordinal);
        Assert.True(storage.DirectoryExists("made"));
        await ftp.CommandAsync("MKD made/inner", 257);
        await ftp.CommandAsync("MKD made", 550);
        await ftp.CommandAsync("MKD file.txt", 550);
        await ftp.CommandAsync("MKD missing/inner", 550);
        await ftp.CommandAsync("MKD file.txt/inner", 550);

        await ftp.CommandAsync("RMD made", 550);
        await ftp.CommandAsync("RMD made/inner", 250);
        await ftp.CommandAsync("RMD made", 250);
        Assert.False(storage.DirectoryExists("made"));
        await ftp.CommandAsync("RMD full", 550);
        Assert.Equal("x", storage.ReadText("full/inside.txt"));
        await ftp.CommandAsync("RMD file.txt", 550);
        await ftp.CommandAsync("RMD missing", 550);

        await ftp.CommandAsync("DELE full", 550);
        Assert.True(storage.DirectoryExists("full"));
        await ftp.CommandAsync("DELE full/inside.txt", 250);
        Assert.Null(storage.ReadFile("full/inside.txt"));
        await ftp.CommandAsync("DELE full/inside.txt", 550);
        await ftp.CommandAsync("RMD full", 250);
        await ftp.CommandAsync("DELE file.txt", 250);
        Assert.Null(storage.ReadFile("file.txt"));
    }

    /// <summary>The refusals a client sees for what is not there or not a file, the same from every backend (RFC 959 §4.2: 550 file unavailable).</summary>
    [Fact]
    [VerbTest("RETR", "STOR", "APPE", "SIZE", "MDTM", "LIST", "MLSD", "MLST", "CWD")]
    public async Task Missing_files_and_wrong_kinds_get_550()
    {
        await using var storage = await StartAsync();
        storage.CreateDirectory("dir");
        storage.WriteFile("file.txt", "x");
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        foreach (var command in new[] { "RETR missing.bin", "RETR dir", "STOR nowhere/x.bin", "STOR dir", "STOR file.txt/x.bin", "APPE dir", "APPE nowhere/x.bin", "LIST missing", "NLST missing", "MLSD missing" })
        {
            var data = await ftp.OpenPassiveAsync();
            await ftp.CommandAsync(command, 550);
            Assert.Empty(await WireClient.ReadAllAsync(data));
        }

        var mlsdOfFile = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("MLSD file.txt", 501);
        Assert.Empty(await WireClient.ReadAllAsync(mlsdOfFile));

        foreach (var command in new[] { "SIZE missing.bin", "SIZE dir", "MDTM missing.bin", "MLST missing.bin", "CWD missing", "CWD file.txt", "DELE missing.bin" })
        {
            await ftp.CommandAsync(command, 550);
        }

        // A backend that cannot set times refuses MFMT before looking for the file (CapabilityTests: 502).
        await ftp.CommandAsync("MFMT 20200101000000 missing.bin", storage.Capabilities.HasFlag(FileSystemCapabilities.SetModificationTime) ? 550 : 502);

        Assert.Null(storage.ReadFile("nowhere/x.bin"));
        Assert.True(storage.DirectoryExists("dir"));
        Assert.Equal("x", storage.ReadText("file.txt"));
        await ftp.CommandAsync("NOOP", 200);
    }

    /// <summary>
    /// A user without Overwrite uploads with "must not exist" semantics (UploadMode.CreateNew).
    /// Two such uploads of one new name at once: exactly one wins and the file is its bytes, whole.
    /// The second is refused when it begins (local disk today: O_EXCL) or when it commits (a backend
    /// that writes elsewhere until the commit: the in-memory one, local disk with atomic uploads),
    /// so "must not exist" has to be checked at the commit too, never by a plain replace.
    /// </summary>
    [Fact]
    [VerbTest("STOR")]
    public async Task Two_create_only_uploads_of_one_name_leave_exactly_one_whole_file()
    {
        await using var storage = await StartAsync();
        var users = storage.Server.Users;
        var alice = await users.FindAsync(TestServer.UserName, CancellationToken.None);
        await users.UpdateAsync(alice! with { Permissions = UserPermissions.All & ~UserPermissions.Overwrite }, CancellationToken.None);
        await using var first = await storage.Server.ConnectAsync();
        await using var second = await storage.Server.ConnectAsync();
        await first.CommandAsync("TYPE I", 200);
        await second.CommandAsync("TYPE I", 200);
        var winner = DataHelpers.Pattern(30_000);

        using var firstData = await first.OpenPassiveAsync();
        await first.SendAsync("STOR race.bin");
        await first.ExpectAsync(150);
        await firstData.SendAsync(winner, SocketFlags.None);

        // The second begins while the first is still receiving.
        using var secondData = await second.OpenPassiveAsync();
        await second.SendAsync("STOR race.bin");
        var secondOpening = await second.ReadReplyAsync();

        firstData.Shutdown(SocketShutdown.Send);
        firstData.Close();
        await first.ExpectAsync(226);

        if (secondOpening.Code == 150)
        {
            await secondData.SendAsync(Encoding.UTF8.GetBytes("the loser"), SocketFlags.None);
            secondData.Shutdown(SocketShutdown.Send);
            secondData.Close();
            var end = await second.ReadReplyAsync();
            Assert.True(end.Code is >= 400 and < 600, $"the second upload of a taken name must fail, got: {end}");
        }
        else
        {
            Assert.Equal(550, secondOpening.Code);
        }

        Assert.Equal(winner, storage.ReadFile("race.bin"));
        await second.CommandAsync("NOOP", 200);
    }

    /// <summary>
    /// RFC 959 §4.1.3: ABOR mid-STOR is 426 then 226, and the session goes on. The contract
    /// (IUpload: disposal without a commit is an abort) keeps the old file byte for byte.
    /// </summary>
    [Fact]
    [VerbTest("ABOR", "STOR")]
    public async Task Abor_mid_stor_over_an_existing_file()
    {
        await using var storage = await StartAsync();
        var old = Encoding.UTF8.GetBytes("the old content, whole");
        storage.WriteFile("keep.bin", old);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var sent = DataHelpers.Pattern(50_000);
        await AbortUploadAsync(ftp, "STOR keep.bin", sent);

        var left = storage.ReadFile("keep.bin");
        Assert.Equal(old, left);
        Assert.Equal(left, await DataHelpers.DownloadAsync(ftp, "RETR keep.bin"));
    }

    /// <summary>ABOR mid-APPE: every backend keeps the old bytes in front, and at most what it received after them, so a client can resume from SIZE.</summary>
    [Fact]
    [VerbTest("ABOR", "APPE")]
    public async Task Abor_mid_appe_keeps_the_old_bytes_and_at_most_what_was_sent()
    {
        await using var storage = await StartAsync();
        var old = Encoding.UTF8.GetBytes("first part;");
        storage.WriteFile("grow.bin", old);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var sent = DataHelpers.Pattern(50_000);
        await AbortUploadAsync(ftp, "APPE grow.bin", sent);

        var left = storage.ReadFile("grow.bin");
        Assert.NotNull(left);
        Assert.True(left.AsSpan().StartsWith(old) && sent.AsSpan().StartsWith(left.AsSpan(old.Length)), "not the old bytes followed by a prefix of the upload");
        Assert.Equal("213 " + left.Length.ToString(CultureInfo.InvariantCulture), (await ftp.CommandAsync("SIZE grow.bin", 213)).Lines[0]);
    }

    /// <summary>Starts an upload, sends <paramref name="sent"/> without closing the data connection, then ABOR: 426, 226, and the session still answers.</summary>
    private static async Task AbortUploadAsync(WireClient ftp, string command, byte[] sent)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync(command);
        await ftp.ExpectAsync(150);
        await data.SendAsync(sent, SocketFlags.None);
        await ftp.SendAsync("ABOR");
        await ftp.ExpectAsync(426);
        await ftp.ExpectAsync(226);
        await ftp.CommandAsync("NOOP", 200);
    }

    /// <summary>An MLSx facts line (RFC 3659 §7.2): "fact=value;fact=value; name".</summary>
    private static (string Name, Dictionary<string, string> Facts) ParseFacts(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var facts = line[..space].Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(fact => fact.Split('=', 2))
            .ToDictionary(pair => pair[0].ToLowerInvariant(), pair => pair[1], StringComparer.Ordinal);
        return (line[(space + 1)..], facts);
    }
}
