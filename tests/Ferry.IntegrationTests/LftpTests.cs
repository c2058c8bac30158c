using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>lftp, the Unix mirroring client: EPSV, MLSD, parallel REST ranges (pget), MFMT on mirror -R.</summary>
public sealed class LftpTests
{
    [Fact]
    public async Task Mirror_up_and_back_gives_the_same_tree()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        var back = local.Combine("back");

        (await Lftp.RunAsync(server, $"mirror -R {source} /up; mirror /up {back}")).AssertSuccess();

        var expected = FileTree.Snapshot(source);
        Assert.Equal(expected, FileTree.Snapshot(server.PathOf("up")));
        Assert.Equal(expected, FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Parallel_mirror_up_and_back_gives_the_same_tree()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        for (var i = 0; i < 12; i++)
        {
            FileTree.WriteRandomFile(Path.Combine(source, "many", $"file {i}.bin"), 10_000 * i);
        }

        var back = local.Combine("back");
        var result = (await Lftp.RunAsync(server, $"set ftp:prefer-epsv yes; mirror -R --parallel=4 {source} /up; mirror --parallel=4 --use-pget-n=3 /up {back}")).AssertSuccess();
        Assert.Contains("---> EPSV", result.StdErr, StringComparison.Ordinal);

        var expected = FileTree.Snapshot(source);
        Assert.Equal(expected, FileTree.Snapshot(server.PathOf("up")));
        Assert.Equal(expected, FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Mirror_preserves_modification_times_both_ways_and_the_mode_on_upload()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var source = local.Combine("source");
        var file = Path.Combine(source, "old file.txt");
        FileTree.WriteRandomFile(file, 1000);
        var stamp = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, stamp);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var back = local.Combine("back");

        var result = (await Lftp.RunAsync(server, $"mirror -R {source} /up; mirror /up {back}")).AssertSuccess();

        Assert.True(File.GetLastWriteTimeUtc(server.PathOf(Path.Combine("up", "old file.txt"))) == stamp, "server copy time: " + result.Describe());
        Assert.True(File.GetLastWriteTimeUtc(Path.Combine(back, "old file.txt")) == stamp, "downloaded copy time: " + result.Describe());
        Assert.Contains("---> MFMT 20200102030405 old file.txt", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("---> SITE CHMOD 640 ", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
            File.GetUnixFileMode(server.PathOf(Path.Combine("up", "old file.txt"))));
    }

    [Fact]
    public async Task Get_pget_ls_and_rm()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var big = FileTree.WriteRandomFile(server.PathOf("big file.bin"), 8 * 1024 * 1024 + 3);
        var small = FileTree.WriteRandomFile(server.PathOf("Grüße 日本.txt"), 4321);
        File.WriteAllText(server.PathOf("doomed.txt"), "x");
        var pgetTarget = local.Combine("pget.bin");
        var getTarget = local.Combine("get.txt");

        var result = (await Lftp.RunAsync(
            server,
            $"ls; cls -1; pget -n 4 \"big file.bin\" -o {pgetTarget}; get \"Grüße 日本.txt\" -o {getTarget}; rm doomed.txt; cls -1")).AssertSuccess();

        Assert.Equal(FileTree.Sha256(big), FileTree.Sha256OfFile(pgetTarget));
        Assert.Equal(FileTree.Sha256(small), FileTree.Sha256OfFile(getTarget));
        Assert.False(File.Exists(server.PathOf("doomed.txt")), result.Describe());
        Assert.Contains(" big file.bin", result.StdOut, StringComparison.Ordinal);
        Assert.Contains(" Grüße 日本.txt", result.StdOut, StringComparison.Ordinal);
        // The last cls -1 no longer shows the removed file; the first one did.
        var lastListing = result.StdOut[result.StdOut.LastIndexOf("big file.bin", StringComparison.Ordinal)..];
        Assert.DoesNotContain("doomed.txt", lastListing, StringComparison.Ordinal);
        Assert.True(result.StdErr.Contains("REST ", StringComparison.Ordinal), "pget sent no REST: " + result.Describe());
    }

    [Fact]
    public async Task Find_du_and_cat()
    {
        await using var server = await TestServer.StartAsync();
        FileTree.CreateSampleTree(server.PathOf("tree"));
        File.WriteAllText(server.PathOf("hello.txt"), "hello, lftp\n");

        var result = (await Lftp.RunAsync(server, "find /tree; du -sb /tree; cat hello.txt")).AssertSuccess();

        var expected = FileTree.Snapshot(server.PathOf("tree")).Select(e => "/tree/" + (e.EndsWith('/') ? e : e[..e.LastIndexOf(' ')])).ToList();
        foreach (var entry in expected)
        {
            Assert.Contains(entry + "\n", result.StdOut, StringComparison.Ordinal);
        }

        var bytes = Directory.EnumerateFiles(server.PathOf("tree"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.Contains($"{bytes}\t/tree", result.StdOut, StringComparison.Ordinal);
        // lftp buffers find/du output differently from cat, so the order on a pipe varies.
        Assert.Contains("hello, lftp\n", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Active_mode_put_get_and_mirror()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        var up = FileTree.WriteRandomFile(local.Combine("put.bin"), 2 * 1024 * 1024);
        var back = local.Combine("back");

        var result = (await Lftp.RunAsync(
            server,
            $"set ftp:passive-mode off; put {local.Combine("put.bin")} -o put.bin; get put.bin -o {local.Combine("got.bin")}; mirror -R {source} /up; mirror /up {back}")).AssertSuccess();

        Assert.True(result.StdErr.Contains("---> PORT ", StringComparison.Ordinal) || result.StdErr.Contains("---> EPRT ", StringComparison.Ordinal), "not active: " + result.Describe());
        Assert.DoesNotContain("---> EPSV", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("---> PASV", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(up), FileTree.Sha256OfFile(server.PathOf("put.bin")));
        Assert.Equal(FileTree.Sha256(up), FileTree.Sha256OfFile(local.Combine("got.bin")));
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Works_over_IPv6()
    {
        await using var server = await TestServer.StartAsync(listenAddress: "::1");
        using var local = new TempFolder("lftp");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        var back = local.Combine("back");

        (await Lftp.RunAsync(server, $"mirror -R {source} /up; mirror /up {back}")).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Works_over_IPv6_in_active_mode()
    {
        await using var server = await TestServer.StartAsync(listenAddress: "::1");
        using var local = new TempFolder("lftp");
        var source = local.Combine("source");
        // A small tree: while EPRT is refused, lftp reconnects (1 s) once per transfer.
        FileTree.WriteRandomFile(Path.Combine(source, "sub dir", "Grüße.bin"), 300_000);
        File.WriteAllBytes(Path.Combine(source, "empty.txt"), []);
        var back = local.Combine("back");

        var result = (await Lftp.RunAsync(server, $"set ftp:passive-mode off; mirror -R {source} /up; mirror /up {back}")).AssertSuccess();

        // lftp 4.9 puts the unspecified address in EPRT ("EPRT |2|::|PORT|"); the only safe and
        // useful reading is "my own address", as if it were ::1. Refusing it makes lftp abort the
        // command, reconnect and silently switch to passive mode.
        Assert.Contains("---> EPRT |2|", result.StdErr, StringComparison.Ordinal);
        Assert.True(result.StdErr.Contains("<--- 200 EPRT", StringComparison.Ordinal), "EPRT was not accepted: " + result.Describe());
        Assert.DoesNotContain("Switching passive mode on", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Get_of_a_missing_file_fails_with_550()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var result = await Lftp.RunAsync(server, $"get nothing-here -o {local.Combine("x")}");
        Assert.True(result.ExitCode != 0, result.Describe());
        Assert.Contains("<--- 550", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incremental_mirror_and_mirror_delete()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        (await Lftp.RunAsync(server, $"mirror -R {source} /up")).AssertSuccess();

        // Nothing changed: the second run transfers nothing.
        var again = (await Lftp.RunAsync(server, $"mirror -R {source} /up")).AssertSuccess();
        Assert.DoesNotContain("---> STOR", again.StdErr, StringComparison.Ordinal);

        File.Delete(Path.Combine(source, "top.bin"));
        Directory.Delete(Path.Combine(source, "日本語"), recursive: true);
        FileTree.WriteRandomFile(Path.Combine(source, "new one.bin"), 5000);
        (await Lftp.RunAsync(server, $"mirror -R --delete {source} /up")).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(server.PathOf("up")));

        // And downwards: a second mirror into the same folder fetches nothing.
        var back = local.Combine("back");
        (await Lftp.RunAsync(server, $"mirror /up {back}")).AssertSuccess();
        var down = (await Lftp.RunAsync(server, $"mirror /up {back}")).AssertSuccess();
        Assert.DoesNotContain("---> RETR", down.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mv_mkdir_p_rm_r_and_rmdir()
    {
        await using var server = await TestServer.StartAsync();
        FileTree.CreateSampleTree(server.PathOf("tree"));
        File.WriteAllText(server.PathOf("move me.txt"), "moved");

        (await Lftp.RunAsync(
            server,
            "mkdir -p \"x/y y/z\"; mv \"move me.txt\" \"x/y y/z/moved ü.txt\"; rm -r tree; mkdir gone; rmdir gone")).AssertSuccess();

        Assert.Equal("moved", File.ReadAllText(server.PathOf(Path.Combine("x", "y y", "z", "moved ü.txt"))));
        Assert.False(File.Exists(server.PathOf("move me.txt")));
        Assert.False(Directory.Exists(server.PathOf("tree")));
        Assert.False(Directory.Exists(server.PathOf("gone")));
    }

    [Fact]
    public async Task Mirror_with_LIST_instead_of_MLSD()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        FileTree.CreateSampleTree(server.PathOf("tree"));
        var back = local.Combine("back");

        var result = (await Lftp.RunAsync(server, $"set ftp:use-mlsd off; mirror /tree {back}")).AssertSuccess();
        Assert.DoesNotContain("---> MLSD", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Snapshot(server.PathOf("tree")), FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Dot_files_are_mirrored_with_MLSD()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var source = local.Combine("source");
        FileTree.WriteRandomFile(Path.Combine(source, ".hidden"), 10);
        FileTree.WriteRandomFile(Path.Combine(source, ".config", "settings"), 20);
        FileTree.WriteRandomFile(Path.Combine(source, "visible"), 30);
        var back = local.Combine("back");

        (await Lftp.RunAsync(server, $"mirror -R {source} /up; mirror /up {back}")).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Read_only_user_gets_550_on_put()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync("reader", "read only pw", Ferry.Server.Security.UserPermissions.ReadOnly);
        using var local = new TempFolder("lftp");
        var source = local.Combine("up.txt");
        File.WriteAllText(source, "nope");

        var result = await ClientProcess.RunAsync(
            "lftp",
            ["--norc", "-d", "-u", "reader,read only pw", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-e", Lftp.Settings + $"put {source} -o up.txt; quit", server.Host]);
        Assert.True(result.ExitCode != 0, result.Describe());
        Assert.Contains("<--- 550", result.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home, "up.txt")));
    }

    [Fact]
    public async Task Pget_with_rate_limit_fetches_parallel_REST_ranges()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var bytes = FileTree.WriteRandomFile(server.PathOf("ranges.bin"), 6 * 1024 * 1024 + 11);
        var target = local.Combine("ranges.bin");

        // Throttled, so the four ranges really run at the same time on four sessions of one user.
        var result = (await Lftp.RunAsync(server, $"set net:limit-rate 2M; set pget:min-chunk-size 512k; pget -n 4 ranges.bin -o {target}")).AssertSuccess();

        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));
        var rests = result.StdErr.Split('\n').Count(l => l.Contains("---> REST ", StringComparison.Ordinal) && !l.Contains("REST 0", StringComparison.Ordinal));
        Assert.True(rests >= 2, $"expected parallel REST ranges, saw {rests}: " + result.Describe());
    }

    [Fact]
    public async Task Get_c_and_put_c_resume()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("lftp");
        var down = FileTree.WriteRandomFile(server.PathOf("down.bin"), 3 * 1024 * 1024);
        File.WriteAllBytes(local.Combine("down.bin"), down[..1_234_567]);
        var up = FileTree.WriteRandomFile(local.Combine("up.bin"), 3 * 1024 * 1024 + 5);
        File.WriteAllBytes(server.PathOf("up.bin"), up[..2_000_000]);

        var result = (await Lftp.RunAsync(server, $"get -c down.bin -o {local.Combine("down.bin")}; put -c {local.Combine("up.bin")} -o up.bin")).AssertSuccess();

        Assert.Contains("---> REST 1234567", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("---> REST 2000000", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(down), FileTree.Sha256OfFile(local.Combine("down.bin")));
        Assert.Equal(FileTree.Sha256(up), FileTree.Sha256OfFile(server.PathOf("up.bin")));
    }
}
