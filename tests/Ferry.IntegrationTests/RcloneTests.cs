using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>rclone, the sync/backup client: no hashes over FTP, MLSD (or LIST), MFMT for times, several connections.</summary>
public sealed class RcloneTests
{
    [Fact]
    public async Task Copy_then_check_and_the_server_tree_is_byte_identical()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("rclone");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        var rclone = await Rclone.CreateAsync(server, local);

        (await rclone.RunAsync("copy", "--create-empty-src-dirs", source, ":ftp:dest")).AssertSuccess();
        (await rclone.RunAsync("check", source, ":ftp:dest")).AssertSuccess();
        (await rclone.RunAsync("check", "--download", source, ":ftp:dest")).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(server.PathOf("dest")));

        // And back down into a fresh folder.
        var back = local.Combine("back");
        (await rclone.RunAsync("copy", "--create-empty-src-dirs", ":ftp:dest", back)).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Lsf_lists_files_and_folders_recursively()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("rclone");
        FileTree.CreateSampleTree(server.PathOf("tree"));
        var rclone = await Rclone.CreateAsync(server, local);

        var result = (await rclone.RunAsync("lsf", "-R", ":ftp:tree")).AssertSuccess();
        var listed = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        var expected = FileTree.Snapshot(server.PathOf("tree")).Select(e => e.EndsWith('/') ? e : e[..e.LastIndexOf(' ')]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, listed);

        var sizes = (await rclone.RunAsync("lsf", "--format", "ps", ":ftp:tree/deep/er/and deeper")).AssertSuccess();
        Assert.Equal("big.dat;1048593", sizes.StdOut.Trim());
    }

    [Fact]
    public async Task Copy_into_a_new_nested_directory()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("rclone");
        var source = local.Combine("source");
        FileTree.WriteRandomFile(Path.Combine(source, "a.bin"), 100_000);
        FileTree.WriteRandomFile(Path.Combine(source, "sub", "b.bin"), 1);
        var rclone = await Rclone.CreateAsync(server, local);

        (await rclone.RunAsync("copy", source, ":ftp:not/yet/there")).AssertSuccess();
        (await rclone.RunAsync("check", "--download", source, ":ftp:not/yet/there")).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(server.PathOf(Path.Combine("not", "yet", "there"))));

        // A single file to a new folder with copyto.
        (await rclone.RunAsync("copyto", Path.Combine(source, "a.bin"), ":ftp:other/new dir/renamed.bin")).AssertSuccess();
        Assert.Equal(FileTree.Sha256OfFile(Path.Combine(source, "a.bin")), FileTree.Sha256OfFile(server.PathOf(Path.Combine("other", "new dir", "renamed.bin"))));
    }

    [Fact]
    public async Task Copy_keeps_modification_times()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("rclone");
        var source = local.Combine("source");
        var file = Path.Combine(source, "dated.txt");
        FileTree.WriteRandomFile(file, 500);
        var stamp = new DateTime(2021, 6, 7, 8, 9, 10, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, stamp);
        var rclone = await Rclone.CreateAsync(server, local);

        var result = (await rclone.RunAsync("copy", source, ":ftp:dest")).AssertSuccess();
        Assert.True(File.GetLastWriteTimeUtc(server.PathOf(Path.Combine("dest", "dated.txt"))) == stamp, "server copy time: " + result.Describe());
        var lsl = (await rclone.RunAsync("lsl", ":ftp:dest")).AssertSuccess();
        Assert.Contains("2021-06-07 08:09:10", lsl.StdOut, StringComparison.Ordinal);

        // A second copy finds nothing to do: sizes and times match.
        var again = (await rclone.RunAsync("copy", source, ":ftp:dest")).AssertSuccess();
        Assert.DoesNotContain("Copied (", again.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_with_PASV_and_LIST_instead_of_EPSV_and_MLSD()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("rclone");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        var rclone = await Rclone.CreateAsync(server, local, "--ftp-disable-epsv", "--ftp-disable-mlsd");

        (await rclone.RunAsync("copy", source, ":ftp:dest")).AssertSuccess();
        (await rclone.RunAsync("check", "--download", source, ":ftp:dest")).AssertSuccess();
        var listed = (await rclone.RunAsync("lsf", "-R", "--files-only", ":ftp:dest")).AssertSuccess();
        Assert.Contains("with space/Grüße 日本.txt", listed.StdOut, StringComparison.Ordinal);
        Assert.Contains("deep/er/and deeper/big.dat", listed.StdOut, StringComparison.Ordinal);
        var back = local.Combine("back");
        (await rclone.RunAsync("copy", ":ftp:dest", back)).AssertSuccess();
        Assert.Equal(
            FileTree.Snapshot(source).Where(e => e != "empty dir/"),
            FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Many_small_files_over_eight_parallel_transfers()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("rclone");
        var source = local.Combine("source");
        for (var i = 0; i < 200; i++)
        {
            FileTree.WriteRandomFile(Path.Combine(source, $"d{i % 10}", $"f{i}.bin"), 100 + (i * 37));
        }

        var rclone = await Rclone.CreateAsync(server, local);
        (await rclone.RunAsync("copy", "--transfers", "8", "--checkers", "8", source, ":ftp:many")).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(server.PathOf("many")));
        (await rclone.RunAsync("check", "--download", "--checkers", "8", source, ":ftp:many")).AssertSuccess();
    }

    [Fact]
    public async Task Works_over_IPv6()
    {
        await using var server = await TestServer.StartAsync(listenAddress: "::1");
        using var local = new TempFolder("rclone");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        var rclone = await Rclone.CreateAsync(server, local);

        (await rclone.RunAsync("copy", source, ":ftp:dest")).AssertSuccess();
        (await rclone.RunAsync("check", "--download", source, ":ftp:dest")).AssertSuccess();
    }

    [Fact]
    public async Task Sync_deletes_what_the_source_no_longer_has()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("rclone");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        var rclone = await Rclone.CreateAsync(server, local);
        (await rclone.RunAsync("sync", source, ":ftp:dest")).AssertSuccess();

        File.Delete(Path.Combine(source, "top.bin"));
        Directory.Delete(Path.Combine(source, "日本語"), recursive: true);
        FileTree.WriteRandomFile(Path.Combine(source, "with space", "a file.txt"), 2000);
        (await rclone.RunAsync("sync", source, ":ftp:dest")).AssertSuccess();
        (await rclone.RunAsync("check", "--download", source, ":ftp:dest")).AssertSuccess();
        Assert.False(File.Exists(server.PathOf(Path.Combine("dest", "top.bin"))));
        Assert.False(File.Exists(server.PathOf(Path.Combine("dest", "日本語", "ファイル.bin"))));
    }

    [Fact]
    public async Task Mkdir_moveto_cat_size_deletefile_and_purge()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("rclone");
        FileTree.CreateSampleTree(server.PathOf("tree"));
        File.WriteAllText(server.PathOf("note.txt"), "hello from the server\n");
        var rclone = await Rclone.CreateAsync(server, local);

        (await rclone.RunAsync("mkdir", ":ftp:made/deep dir")).AssertSuccess();
        Assert.True(Directory.Exists(server.PathOf(Path.Combine("made", "deep dir"))));

        (await rclone.RunAsync("moveto", ":ftp:note.txt", ":ftp:made/deep dir/nöte.txt")).AssertSuccess();
        Assert.False(File.Exists(server.PathOf("note.txt")));
        var cat = (await rclone.RunAsync("cat", ":ftp:made/deep dir/nöte.txt")).AssertSuccess();
        Assert.Equal("hello from the server\n", cat.StdOut);

        var size = (await rclone.RunAsync("size", "--json", ":ftp:tree")).AssertSuccess();
        var expectedBytes = Directory.EnumerateFiles(server.PathOf("tree"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.Contains($"\"bytes\":{expectedBytes}", size.StdOut, StringComparison.Ordinal);
        Assert.Contains("\"count\":6", size.StdOut, StringComparison.Ordinal);

        (await rclone.RunAsync("deletefile", ":ftp:tree/top.bin")).AssertSuccess();
        Assert.False(File.Exists(server.PathOf(Path.Combine("tree", "top.bin"))));

        (await rclone.RunAsync("purge", ":ftp:tree")).AssertSuccess();
        Assert.False(Directory.Exists(server.PathOf("tree")));
    }

    private sealed class Rclone
    {
        private readonly TestServer _server;
        private readonly string _obscured;
        private readonly string _config;
        private readonly string[] _extra;

        private Rclone(TestServer server, string obscured, string config, string[] extra)
        {
            _server = server;
            _obscured = obscured;
            _config = config;
            _extra = extra;
        }

        public static async Task<Rclone> CreateAsync(TestServer server, TempFolder local, params string[] extra)
        {
            var config = local.Combine("no-such-rclone.conf");
            var obscure = (await ClientProcess.RunAsync("rclone", ["obscure", TestServer.Password], environment: Environment(config))).AssertSuccess();
            return new Rclone(server, obscure.StdOut.Trim(), config, extra);
        }

        public Task<ClientResult> RunAsync(params string[] arguments) =>
            ClientProcess.RunAsync(
                "rclone",
                [
                    .. arguments,
                    // rclone 1.60 joins host and port with a plain ':', so an IPv6 host needs its brackets.
                    "--ftp-host", _server.UrlHost,
                    "--ftp-port", _server.Port.ToString(CultureInfo.InvariantCulture),
                    "--ftp-user", TestServer.UserName,
                    "--ftp-pass", _obscured,
                    "--low-level-retries", "1",
                    "--retries", "1",
                    "--contimeout", "10s",
                    "--timeout", "30s",
                    "-vv",
                    .. _extra,
                ],
                environment: Environment(_config));

        private static Dictionary<string, string> Environment(string config) => new() { ["RCLONE_CONFIG"] = config };
    }
}
