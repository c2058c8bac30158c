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

        // "-P -": the address of the control connection.
        (await CurlAsync("-P", "-", "-o", local.Combine("dash.bin"), Url(server, "/six.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("dash.bin")));

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

    [Fact]
    public async Task Head_request_and_remote_time_use_SIZE_and_MDTM()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var path = server.PathOf("dated.bin");
        FileTree.WriteRandomFile(path, 4242);
        var stamp = new DateTime(2019, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, stamp);

        var head = (await CurlAsync("-I", Url(server, "/dated.bin"))).AssertSuccess();
        Assert.Contains("Content-Length: 4242", head.StdOut, StringComparison.Ordinal);
        Assert.Contains("Last-Modified: Mon, 04 Mar 2019 05:06:07 GMT", head.StdOut, StringComparison.Ordinal);

        var target = local.Combine("dated.bin");
        (await CurlAsync("-R", "-o", target, Url(server, "/dated.bin"))).AssertSuccess();
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(target));
    }

    [Fact]
    public async Task Range_download_aborts_the_transfer_cleanly()
    {
        await using var server = await TestServer.StartAsync();
        var bytes = FileTree.WriteRandomFile(server.PathOf("big.bin"), 16 * 1024 * 1024);
        using var local = new TempFolder("curl");

        // curl reads the range, sends ABOR (the server answers 426, then 226) and, by design, closes
        // the control connection after a partial download ("partial download completed, closing
        // connection"), so the second URL gets a fresh session.
        var result = (await CurlAsync("-r", "1000-1999", "-o", local.Combine("a"), Url(server, "/big.bin"), "-o", local.Combine("b"), Url(server, "/big.bin"))).AssertSuccess();
        Assert.Equal(bytes[1000..2000], File.ReadAllBytes(local.Combine("a")));
        Assert.Equal(bytes[1000..2000], File.ReadAllBytes(local.Combine("b")));
        Assert.Contains("> ABOR", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("< 426", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Append_adds_to_an_existing_file()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        File.WriteAllText(server.PathOf("log.txt"), "first\n");
        var source = local.Combine("more.txt");
        File.WriteAllText(source, "second\n");

        var result = (await CurlAsync("-a", "-T", source, Url(server, "/log.txt"))).AssertSuccess();
        Assert.Contains("> APPE log.txt", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("first\nsecond\n", File.ReadAllText(server.PathOf("log.txt")));
    }

    [Fact]
    public async Task Nested_paths_work_with_every_cwd_method()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var bytes = FileTree.WriteRandomFile(server.PathOf(Path.Combine("a b", "c", "Grüße.bin")), 10_000);
        foreach (var method in new[] { "multicwd", "singlecwd", "nocwd" })
        {
            var target = local.Combine(method + ".bin");
            (await CurlAsync("--ftp-method", method, "-o", target, Url(server, "/a%20b/c/Gr%C3%BC%C3%9Fe.bin"))).AssertSuccess();
            Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));

            var list = (await CurlAsync("--ftp-method", method, "--list-only", Url(server, "/a%20b/c/"))).AssertSuccess();
            Assert.Equal("Grüße.bin", list.StdOut.Trim());
        }
    }

    [Fact]
    public async Task Read_only_user_can_download_but_not_upload()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync("reader", "read only pw", Ferry.Server.Security.UserPermissions.ReadOnly);
        File.WriteAllText(Path.Combine(home, "r.txt"), "readable");
        using var local = new TempFolder("curl");
        var source = local.Combine("up.txt");
        File.WriteAllText(source, "nope");

        var get = (await ClientProcess.RunAsync("curl", ["-sS", "-v", "--max-time", "30", "--user", "reader:read only pw", "-o", "-", Url(server, "/r.txt")])).AssertSuccess();
        Assert.Equal("readable", get.StdOut);

        var put = await ClientProcess.RunAsync("curl", ["-sS", "-v", "--max-time", "30", "--user", "reader:read only pw", "-T", source, Url(server, "/up.txt")]);
        put.AssertExitCode(25);
        Assert.Contains("< 550", put.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home, "up.txt")));
    }

    [Fact]
    public async Task Wrong_password_gives_exit_code_67()
    {
        await using var server = await TestServer.StartAsync();
        var result = await ClientProcess.RunAsync("curl", ["-sS", "-v", "--max-time", "30", "--user", "alice:wrong", Url(server, "/")]);
        result.AssertExitCode(67);
        Assert.Contains("< 530", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_uploads_and_downloads_from_several_curls()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var files = Enumerable.Range(0, 6).Select(i => (Name: $"p{i}.bin", Bytes: FileTree.WriteRandomFile(local.Combine($"p{i}.bin"), 1024 * 1024 + i))).ToList();

        var uploads = await Task.WhenAll(files.Select(f => CurlAsync("-T", local.Combine(f.Name), Url(server, "/" + f.Name))));
        Assert.All(uploads, r => r.AssertSuccess());
        var downloads = await Task.WhenAll(files.Select(f => CurlAsync("-o", local.Combine("d-" + f.Name), Url(server, "/" + f.Name))));
        Assert.All(downloads, r => r.AssertSuccess());
        foreach (var (name, bytes) in files)
        {
            Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf(name)));
            Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("d-" + name)));
        }
    }

    [Fact]
    public async Task Twenty_MiB_round_trip()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var source = local.Combine("big.bin");
        var bytes = FileTree.WriteRandomFile(source, 20 * 1024 * 1024);

        (await CurlAsync("-T", source, Url(server, "/big.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf("big.bin")));
        (await CurlAsync("-o", local.Combine("back.bin"), Url(server, "/big.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("back.bin")));
    }

    [Fact]
    public async Task Missing_directory_gives_exit_code_9()
    {
        await using var server = await TestServer.StartAsync();
        var result = await CurlAsync("--list-only", Url(server, "/no-such-dir/"));
        result.AssertExitCode(9);
        Assert.Contains("< 550", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_dies_mid_transfer_leaves_no_session_behind()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("curl");
        var source = local.Combine("slow.bin");
        FileTree.WriteRandomFile(source, 4 * 1024 * 1024);
        FileTree.WriteRandomFile(server.PathOf("slow-down.bin"), 16 * 1024 * 1024);

        // --max-time with a rate limit: curl gives up (exit 28) and drops both connections mid-transfer.
        // (curl 7.88 limits loosely: at "200k" it read 9.5 MB in 2 s, so the limit is low and the file big.)
        var upload = await CurlAsync("--limit-rate", "20k", "--max-time", "2", "-T", source, Url(server, "/slow.bin"));
        upload.AssertExitCode(28);
        var download = await CurlAsync("--limit-rate", "20k", "--max-time", "2", "-o", local.Combine("cut.bin"), Url(server, "/slow-down.bin"));
        Assert.True(download.ExitCode == 28, $"download: {new FileInfo(local.Combine("cut.bin")).Length} bytes; " + download.Describe());

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (server.Server.ActiveSessions > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, server.Server.ActiveSessions);

        // Atomic uploads (issue 13): the cut upload is not under its name, and what arrived is kept for a resume.
        Assert.False(File.Exists(server.PathOf("slow.bin")), "a cut upload is visible under its name");
        Assert.True(new FileInfo(server.PathOf(".ferry-partial.slow.bin")).Length < 4 * 1024 * 1024);
        var list = (await CurlAsync("--list-only", Url(server, "/"))).AssertSuccess();
        Assert.DoesNotContain("slow.bin", list.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_user_reads_but_cannot_write()
    {
        using var anonymousRoot = new TempFolder("anon");
        File.WriteAllText(anonymousRoot.Combine("public.txt"), "for everyone");
        await using var server = await TestServer.StartAsync(o =>
        {
            o.AllowAnonymous = true;
            o.AnonymousRoot = anonymousRoot.Path;
        });
        using var local = new TempFolder("curl");
        var source = local.Combine("up.txt");
        File.WriteAllText(source, "nope");

        // No --user: curl logs in as "anonymous" with password "ftp@example.com".
        string[] common = ["-sS", "-v", "--max-time", "30"];
        var list = (await ClientProcess.RunAsync("curl", [.. common, "--list-only", Url(server, "/")])).AssertSuccess();
        Assert.Contains("> USER anonymous", list.StdErr, StringComparison.Ordinal);
        Assert.Equal("public.txt", list.StdOut.Trim());
        var get = (await ClientProcess.RunAsync("curl", [.. common, "-o", "-", Url(server, "/public.txt")])).AssertSuccess();
        Assert.Equal("for everyone", get.StdOut);

        var put = await ClientProcess.RunAsync("curl", [.. common, "-T", source, Url(server, "/up.txt")]);
        put.AssertExitCode(25);
        Assert.False(File.Exists(anonymousRoot.Combine("up.txt")));

        var wget = (await ClientProcess.RunAsync("wget", ["--tries=1", "--timeout=20", "--no-config", "-O", local.Combine("w.txt"), $"ftp://{server.UrlHost}:{server.Port}/public.txt"])).AssertSuccess();
        Assert.Equal("for everyone", File.ReadAllText(local.Combine("w.txt")));
    }

    [Fact]
    public async Task Round_trips_without_sendfile_and_with_a_small_buffer()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.UseSendFile = false;
            o.TransferBufferSize = 4096;
        });
        using var local = new TempFolder("curl");
        var source = local.Combine("f.bin");
        var bytes = FileTree.WriteRandomFile(source, 5 * 1024 * 1024 + 123);

        (await CurlAsync("-T", source, Url(server, "/f.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf("f.bin")));
        (await CurlAsync("-o", local.Combine("back.bin"), Url(server, "/f.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("back.bin")));
        File.WriteAllBytes(local.Combine("part.bin"), bytes[..777]);
        (await CurlAsync("-C", "-", "-o", local.Combine("part.bin"), Url(server, "/f.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("part.bin")));
    }

    private static string Url(TestServer server, string path) => $"ftp://{server.UrlHost}:{server.Port}{path}";

    private static Task<ClientResult> CurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "-v", "-g", "--max-time", "50", "--connect-timeout", "10", "--user", UserArgument, .. arguments]);
}
