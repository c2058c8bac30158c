using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>curl, the client of scripts, CI jobs and devices: EPSV then PASV, SIZE/REST, quote commands.</summary>
public sealed class CurlTests
{
    private static readonly string UserArgument = TestServer.UserName + ":" + TestServer.Password;

    [Fact]
    public async Task Lists_the_root_in_LIST_and_NLST_form()
    {
        await using var server = await TestServer.StartAsync();
        FileTree.WriteRandomFile(server.PathOf("one.bin"), 1234);
        FileTree.WriteRandomFile(server.PathOf("Grüße 日本.txt"), 10);
        Directory.CreateDirectory(server.PathOf("sub dir"));

        var list = (await CurlAsync(Url(server, "/"))).AssertSuccess();
        var lines = list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 3, list.Describe());
        Assert.Contains(lines, l => l.StartsWith('-') && l.Contains(" 1234 ", StringComparison.Ordinal) && l.EndsWith(" one.bin", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith('-') && l.EndsWith(" Grüße 日本.txt", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith('d') && l.EndsWith(" sub dir", StringComparison.Ordinal));

        var names = (await CurlAsync("--list-only", Url(server, "/"))).AssertSuccess();
        Assert.Equal(
            new[] { "Grüße 日本.txt", "one.bin", "sub dir" },
            names.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Uploads_into_a_new_nested_path_with_ftp_create_dirs_and_downloads_it_back()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var source = local.Combine("source.bin");
        var bytes = FileTree.WriteRandomFile(source, 3 * 1024 * 1024 + 5);

        (await CurlAsync("--ftp-create-dirs", "-T", source, Url(server, "/new/nested%20dir/deeper/file.bin"))).AssertSuccess();
        var stored = server.PathOf(Path.Combine("new", "nested dir", "deeper", "file.bin"));
        Assert.True(File.Exists(stored));
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(stored));

        var target = local.Combine("downloaded.bin");
        (await CurlAsync("-o", target, Url(server, "/new/nested%20dir/deeper/file.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));
    }

    [Fact]
    public async Task Resumes_a_partial_download_with_C_dash()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var bytes = FileTree.WriteRandomFile(server.PathOf("big.bin"), 2 * 1024 * 1024);
        var target = local.Combine("big.bin");
        File.WriteAllBytes(target, bytes[..777_777]);

        var result = (await CurlAsync("-C", "-", "-o", target, Url(server, "/big.bin"))).AssertSuccess();
        Assert.Contains("REST 777777", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));
    }

    [Fact]
    public async Task Resumes_a_partial_upload_with_C_dash_T()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var source = local.Combine("up.bin");
        var bytes = FileTree.WriteRandomFile(source, 2 * 1024 * 1024 + 3);
        File.WriteAllBytes(server.PathOf("up.bin"), bytes[..1_000_001]);

        var result = (await CurlAsync("-C", "-", "-T", source, Url(server, "/up.bin"))).AssertSuccess();
        Assert.Contains("APPE up.bin", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf("up.bin")));
    }

    [Fact]
    public async Task Quote_commands_run_before_and_after_the_transfer()
    {
        await using var server = await TestServer.StartAsync();
        File.WriteAllText(server.PathOf("doomed.txt"), "bye");
        File.WriteAllText(server.PathOf("keep.txt"), "kept");

        var result = (await CurlAsync("-Q", "MKD made here", "-Q", "-DELE doomed.txt", "-o", "-", Url(server, "/keep.txt"))).AssertSuccess();
        Assert.Equal("kept", result.StdOut);
        Assert.True(Directory.Exists(server.PathOf("made here")), result.Describe());
        Assert.False(File.Exists(server.PathOf("doomed.txt")), result.Describe());

        // A failing quote command fails the whole call (curl exit 21, "quote error").
        var failed = await CurlAsync("-Q", "DELE no-such-file", Url(server, "/"));
        failed.AssertExitCode(21);
    }

    [Fact]
    public async Task Disable_epsv_uses_PASV()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var bytes = FileTree.WriteRandomFile(server.PathOf("f.bin"), 500_000);
        var target = local.Combine("f.bin");

        var result = (await CurlAsync("--disable-epsv", "-o", target, Url(server, "/f.bin"))).AssertSuccess();
        Assert.Contains("> PASV", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("> EPSV", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));
    }

    [Fact]
    public async Task Active_mode_with_EPRT_and_with_PORT()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var bytes = FileTree.WriteRandomFile(server.PathOf("f.bin"), 1024 * 1024);

        var eprt = (await CurlAsync("-P", "127.0.0.1", "-o", local.Combine("eprt.bin"), Url(server, "/f.bin"))).AssertSuccess();
        Assert.Contains("> EPRT |1|127.0.0.1|", eprt.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("eprt.bin")));

        var port = (await CurlAsync("-P", "127.0.0.1", "--disable-eprt", "-o", local.Combine("port.bin"), Url(server, "/f.bin"))).AssertSuccess();
        Assert.Contains("> PORT 127,0,0,1,", port.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("port.bin")));

        var source = local.Combine("up.bin");
        var up = FileTree.WriteRandomFile(source, 300_000);
        (await CurlAsync("-P", "127.0.0.1", "-T", source, Url(server, "/up.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(up), FileTree.Sha256OfFile(server.PathOf("up.bin")));
    }

    [Fact]
    public async Task Works_over_IPv6_passive_and_active()
    {
        await using var server = await TestServer.StartAsync(listenAddress: "::1");
        using var local = new TempFolder("curl");
        var bytes = FileTree.WriteRandomFile(server.PathOf("six.bin"), 700_000);

        var list = (await CurlAsync("--list-only", Url(server, "/"))).AssertSuccess();
        Assert.Equal("six.bin", list.StdOut.Trim());

        (await CurlAsync("-o", local.Combine("epsv.bin"), Url(server, "/six.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("epsv.bin")));

        var active = (await CurlAsync("-P", "::1", "-o", local.Combine("eprt.bin"), Url(server, "/six.bin"))).AssertSuccess();
        Assert.Contains("> EPRT |2|::1|", active.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("eprt.bin")));

        var source = local.Combine("up.bin");
        var up = FileTree.WriteRandomFile(source, 123_456);
        (await CurlAsync("-T", source, Url(server, "/up.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(up), FileTree.Sha256OfFile(server.PathOf("up.bin")));
    }

    [Fact]
    public async Task Missing_file_gives_exit_code_78_and_the_session_stays_usable()
    {
        await using var server = await TestServer.StartAsync();
        File.WriteAllText(server.PathOf("there.txt"), "here");

        var missing = await CurlAsync("-o", "-", Url(server, "/not-there.txt"));
        missing.AssertExitCode(78);
        Assert.Contains("< 550", missing.StdErr, StringComparison.Ordinal);

        // Two URLs on one connection: the refused RETR must not break the next one.
        var both = await CurlAsync("-o", "-", Url(server, "/not-there.txt"), "-o", "-", Url(server, "/there.txt"));
        Assert.Contains("here", both.StdOut, StringComparison.Ordinal);
        Assert.Contains("Re-using existing connection", both.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_and_one_byte_files_round_trip()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        foreach (var size in new[] { 0, 1 })
        {
            var source = local.Combine($"s{size}.bin");
            var bytes = FileTree.WriteRandomFile(source, size);
            (await CurlAsync("-T", source, Url(server, $"/f{size}.bin"))).AssertSuccess();
            Assert.Equal(bytes, File.ReadAllBytes(server.PathOf($"f{size}.bin")));
            var target = local.Combine($"d{size}.bin");
            (await CurlAsync("-o", target, Url(server, $"/f{size}.bin"))).AssertSuccess();
            Assert.Equal(bytes, File.ReadAllBytes(target));
        }
    }

    private static string Url(TestServer server, string path) => $"ftp://{server.UrlHost}:{server.Port}{path}";

    private static Task<ClientResult> CurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "-v", "-g", "--max-time", "50", "--connect-timeout", "10", "--user", UserArgument, .. arguments]);
}
