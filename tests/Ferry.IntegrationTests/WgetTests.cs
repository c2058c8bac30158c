using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>wget, the mirroring downloader: LIST parsing (its .listing files), CWD per folder, PASV/EPSV or PORT.</summary>
public sealed class WgetTests
{
    private static readonly string EncodedPassword = Uri.EscapeDataString(TestServer.Password);

    [Fact]
    public async Task Mirror_copies_the_server_tree_byte_for_byte()
    {
        await using var server = await TestServer.StartAsync();
        FileTree.CreateSampleTree(server.Root);
        using var local = new TempFolder("wget");

        (await WgetAsync("-m", "-nH", "-P", local.Path, Url(server, "/"))).AssertSuccess();

        Assert.Equal(FileTree.Snapshot(server.Root), WithoutListings(FileTree.Snapshot(local.Path)));
    }

    [Fact]
    public async Task Second_mirror_retrieves_nothing()
    {
        await using var server = await TestServer.StartAsync();
        FileTree.CreateSampleTree(server.Root);
        File.SetLastWriteTimeUtc(server.PathOf("top.bin"), new DateTime(2018, 5, 6, 7, 8, 0, DateTimeKind.Utc));
        using var local = new TempFolder("wget");

        (await WgetAsync("-m", "-nH", "-P", local.Path, Url(server, "/"))).AssertSuccess();
        var again = (await WgetAsync("-m", "-nH", "-P", local.Path, Url(server, "/"))).AssertSuccess();

        // -m implies -N: LIST's dates and sizes must match what wget stored the first time.
        Assert.DoesNotContain("==> RETR", again.StdErr, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2018, 5, 6, 0, 0, 0, DateTimeKind.Utc).Date, File.GetLastWriteTimeUtc(Path.Combine(local.Path, "top.bin")).Date);
    }

    [Fact]
    public async Task Recursive_download_of_a_sub_folder_and_a_glob_with_ftp_user_options()
    {
        await using var server = await TestServer.StartAsync();
        FileTree.CreateSampleTree(server.Root);
        using var local = new TempFolder("wget");
        var plain = $"ftp://{server.UrlHost}:{server.Port}";
        string[] login = ["--ftp-user=" + TestServer.UserName, "--ftp-password=" + TestServer.Password];

        (await WgetAsync([.. login, "-r", "-nH", "--cut-dirs=1", "-P", local.Combine("sub"), plain + "/with%20space/"])).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(server.PathOf("with space")), WithoutListings(FileTree.Snapshot(local.Combine("sub"))));

        Directory.CreateDirectory(local.Combine("glob"));
        (await WgetAsync([.. login, "-nH", "-P", local.Combine("glob"), plain + "/*.bin"])).AssertSuccess();
        Assert.Equal(FileTree.Sha256OfFile(server.PathOf("top.bin")), FileTree.Sha256OfFile(local.Combine("glob", "top.bin")));
        Assert.Equal(["top.bin"], Directory.GetFiles(local.Combine("glob")).Select(Path.GetFileName).Where(n => n != ".listing"));
    }

    [Fact]
    public async Task Mirror_in_active_mode()
    {
        await using var server = await TestServer.StartAsync();
        FileTree.CreateSampleTree(server.Root);
        using var local = new TempFolder("wget");

        var result = (await WgetAsync("-m", "-nH", "--no-passive-ftp", "-P", local.Path, Url(server, "/"))).AssertSuccess();

        Assert.Contains("==> PORT ... done.", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Snapshot(server.Root), WithoutListings(FileTree.Snapshot(local.Path)));
    }

    [Fact]
    public async Task Mirror_over_IPv6()
    {
        await using var server = await TestServer.StartAsync(listenAddress: "::1");
        FileTree.CreateSampleTree(server.Root);
        using var local = new TempFolder("wget");

        (await WgetAsync("-m", "-nH", "-P", local.Path, Url(server, "/"))).AssertSuccess();

        Assert.Equal(FileTree.Snapshot(server.Root), WithoutListings(FileTree.Snapshot(local.Path)));
    }

    [Fact]
    public async Task Mirror_over_IPv6_in_active_mode()
    {
        await using var server = await TestServer.StartAsync(listenAddress: "::1");
        FileTree.CreateSampleTree(server.Root);
        using var local = new TempFolder("wget");

        var result = (await WgetAsync("-m", "-nH", "--no-passive-ftp", "-P", local.Path, Url(server, "/"))).AssertSuccess();

        Assert.Contains("==> EPRT ... done.", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Snapshot(server.Root), WithoutListings(FileTree.Snapshot(local.Path)));
    }

    [Fact]
    public async Task Single_file_download_and_a_missing_one()
    {
        await using var server = await TestServer.StartAsync();
        var bytes = FileTree.WriteRandomFile(server.PathOf(Path.Combine("sub dir", "Grüße 日本.bin")), 3 * 1024 * 1024 + 1);
        File.WriteAllBytes(server.PathOf("empty.bin"), []);
        using var local = new TempFolder("wget");

        (await WgetAsync("-O", local.Combine("one.bin"), Url(server, "/sub%20dir/Gr%C3%BC%C3%9Fe%20%E6%97%A5%E6%9C%AC.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("one.bin")));

        (await WgetAsync("-O", local.Combine("empty.bin"), Url(server, "/empty.bin"))).AssertSuccess();
        Assert.Equal(0, new FileInfo(local.Combine("empty.bin")).Length);

        // wget exits 8 ("server issued an error response") for a file that is not there.
        var missing = await WgetAsync("-O", local.Combine("missing.bin"), Url(server, "/missing.bin"));
        missing.AssertExitCode(8);
        Assert.Contains("No such file", missing.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mirror_includes_dot_files()
    {
        await using var server = await TestServer.StartAsync();
        FileTree.WriteRandomFile(server.PathOf(".hidden"), 10);
        FileTree.WriteRandomFile(server.PathOf(Path.Combine(".config", "settings")), 20);
        FileTree.WriteRandomFile(server.PathOf("visible"), 30);
        using var local = new TempFolder("wget");

        var result = (await WgetAsync("-d", "-m", "-nH", "-P", local.Path, Url(server, "/"))).AssertSuccess();

        Assert.True(FileTree.Snapshot(server.Root).SequenceEqual(WithoutListings(FileTree.Snapshot(local.Path))), result.Describe());
    }

    private static IReadOnlyList<string> WithoutListings(IReadOnlyList<string> snapshot) =>
        snapshot.Where(e => !(e == ".listing" || e.StartsWith(".listing ", StringComparison.Ordinal) || e.Contains("/.listing ", StringComparison.Ordinal))).ToList();

    private static string Url(TestServer server, string path) =>
        $"ftp://{TestServer.UserName}:{EncodedPassword}@{server.UrlHost}:{server.Port}{path}";

    private static Task<ClientResult> WgetAsync(params string[] arguments) =>
        ClientProcess.RunAsync(
            "wget",
            [
                "--tries=1",
                "--timeout=20",
                // The default "unix" mode escapes bytes 0x80-0x9F, which are inside UTF-8 sequences (ß is C3 9F).
                "--restrict-file-names=nocontrol",
                "--no-config",
                .. arguments,
            ]);
}
