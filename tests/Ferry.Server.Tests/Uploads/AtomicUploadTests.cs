using System.Net.Sockets;
using System.Security.Cryptography;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Robustness;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Uploads;

/// <summary>
/// Issue 13, part 1: STOR and STOU on local disk write a hidden file and rename it over the target
/// on success, so the target is the old file, whole, until the 226, and never a half file; an
/// aborted upload's bytes are kept under a hidden name a resume finds (or removed), and hidden
/// upload files are never listed nor addressable.
/// </summary>
public sealed class AtomicUploadTests
{
    private const int Size = 2 * 1024 * 1024;

    [Fact]
    [VerbTest("STOR", "RETR", "LIST", "NLST", "MLSD")]
    public async Task During_an_upload_over_a_file_readers_see_the_old_file_whole_and_no_hidden_name()
    {
        await using var server = await TestServer.StartAsync();
        var old = RandomNumberGenerator.GetBytes(Size);
        var upload = RandomNumberGenerator.GetBytes(Size);
        DataHelpers.WriteFile(server, "feed.bin", old);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync("STOR feed.bin");
        await ftp.ExpectAsync(150);
        await SendAsync(data, upload.AsMemory(0, Size / 2));

        // Half sent, not committed: on disk and over FTP the name is the old file, and the listing has nothing else.
        Assert.True(await Probe.EventuallyAsync(() => HiddenFiles(server).Count == 1, TimeSpan.FromSeconds(10)), "no hidden in-flight file appeared");
        Assert.Equal(SHA256.HashData(old), SHA256.HashData(await File.ReadAllBytesAsync(server.PathOf("feed.bin"))));
        await using (var reader = await server.ConnectAsync())
        {
            await reader.CommandAsync("TYPE I", 200);
            Assert.Equal(SHA256.HashData(old), SHA256.HashData(await DataHelpers.DownloadAsync(reader, "RETR feed.bin")));
            foreach (var listing in new[] { "LIST -a", "NLST -a", "MLSD", "LIST -la" })
            {
                var lines = await DataHelpers.ListLinesAsync(reader, listing);
                Assert.DoesNotContain(lines, line => line.Contains(".ferry-", StringComparison.Ordinal));
                Assert.Contains(lines, line => line.EndsWith("feed.bin", StringComparison.Ordinal));
            }
        }

        await SendAsync(data, upload.AsMemory(Size / 2));
        data.Shutdown(SocketShutdown.Send);
        data.Close();
        await ftp.ExpectAsync(226);
        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(await File.ReadAllBytesAsync(server.PathOf("feed.bin"))));
        Assert.Empty(HiddenFiles(server));
    }

    /// <summary>
    /// RFC 959 §3.4.1: in stream mode the end of the data connection ends the file, so a client
    /// that dies mid-upload (curl killed by --max-time) looks like one that finished. Its control
    /// connection, closed first, tells them apart: nothing is published under the name.
    /// </summary>
    [Fact]
    [VerbTest("STOR")]
    public async Task An_upload_whose_client_hung_up_its_control_connection_first_is_not_published()
    {
        await using var server = await TestServer.StartAsync(options => options.MaxUnauthenticatedSessionsPerAddress = 0);

        // Both connections closed at once, control first, as a killed client's are: whichever
        // the server notices first, the upload must not be committed. Twenty runs, since the
        // command loop often wins the race (and then aborts the transfer) by itself.
        for (var run = 0; run < 20; run++)
        {
            var ftp = await server.ConnectAsync();
            await ftp.CommandAsync("TYPE I", 200);
            using var data = await ftp.OpenPassiveAsync();
            await ftp.SendAsync($"STOR cut-{run}.bin");
            await ftp.ExpectAsync(150);
            await SendAsync(data, RandomNumberGenerator.GetBytes(64 * 1024));
            ftp.Socket.Close();
            data.Shutdown(SocketShutdown.Send);
            data.Close();
            await ftp.DisposeAsync();
        }

        await server.WaitForSessionsAsync(0);
        var published = Enumerable.Range(0, 20).Where(run => File.Exists(server.PathOf($"cut-{run}.bin"))).ToList();
        Assert.True(published.Count == 0, $"{published.Count} of 20 dead clients' uploads were published under their names");
    }

    /// <summary>A client that says QUIT after its data and closes without waiting for the 226 ended cleanly: its upload is published.</summary>
    [Fact]
    [VerbTest("STOR", "QUIT")]
    public async Task An_upload_followed_by_QUIT_and_a_close_is_published()
    {
        await using var server = await TestServer.StartAsync();
        var upload = RandomNumberGenerator.GetBytes(Size / 4);
        var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync("STOR done.bin");
        await ftp.ExpectAsync(150);
        await SendAsync(data, upload);
        await ftp.SendAsync("QUIT");
        await Task.Delay(200);
        ftp.Socket.Close();
        data.Shutdown(SocketShutdown.Send);
        data.Close();

        await server.WaitForSessionsAsync(0);
        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(await File.ReadAllBytesAsync(server.PathOf("done.bin"))));
        await ftp.DisposeAsync();
    }

    /// <summary>AtomicUploads=false, for a consumer that reads a file while it grows: the bytes are in the target as they arrive, and no hidden file is made.</summary>
    [Fact]
    [VerbTest("STOR")]
    public async Task With_AtomicUploads_off_the_target_grows_as_the_bytes_arrive()
    {
        await using var server = await TestServer.StartAsync(options => options.AtomicUploads = false);
        DataHelpers.WriteFile(server, "log.bin", RandomNumberGenerator.GetBytes(Size));
        var upload = RandomNumberGenerator.GetBytes(Size);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync("STOR log.bin");
        await ftp.ExpectAsync(150);
        await SendAsync(data, upload.AsMemory(0, Size / 2));

        Assert.True(await Probe.EventuallyAsync(() => new FileInfo(server.PathOf("log.bin")).Length == Size / 2, TimeSpan.FromSeconds(10)),
            "the target does not hold the first half in place");
        Assert.Empty(HiddenFiles(server));
        await SendAsync(data, upload.AsMemory(Size / 2));
        data.Shutdown(SocketShutdown.Send);
        data.Close();
        await ftp.ExpectAsync(226);
        Assert.Equal(SHA256.HashData(upload), SHA256.HashData(await File.ReadAllBytesAsync(server.PathOf("log.bin"))));
    }

    [Theory]
    [InlineData("reset")]
    [InlineData("ABOR")]
    [VerbTest("STOR", "ABOR", "SIZE")]
    public async Task An_interrupted_upload_over_a_file_leaves_it_byte_for_byte_and_SIZE_answers_it(string interruption)
    {
        await using var server = await TestServer.StartAsync();
        var old = RandomNumberGenerator.GetBytes(Size);
        DataHelpers.WriteFile(server, "feed.bin", old);
        await using var ftp = await server.ConnectAsync();
        await InterruptUploadAsync(server, ftp, "STOR feed.bin", RandomNumberGenerator.GetBytes(Size / 2), interruption);

        Assert.Equal(SHA256.HashData(old), SHA256.HashData(await File.ReadAllBytesAsync(server.PathOf("feed.bin"))));
        await ftp.CommandAsync("TYPE I", 200);
        Assert.Equal($"{Size}", (await ftp.CommandAsync("SIZE feed.bin", 213)).Text);
    }

    [Theory]
    [InlineData("REST")]
    [InlineData("APPE")]
    [VerbTest("STOR", "APPE", "REST", "SIZE", "MDTM")]
    public async Task An_interrupted_new_upload_is_never_under_its_name_and_resumes_to_the_whole_file(string resume)
    {
        await using var server = await TestServer.StartAsync();
        var content = RandomNumberGenerator.GetBytes(Size);
        await using var ftp = await server.ConnectAsync();
        await InterruptUploadAsync(server, ftp, "STOR new.bin", content.AsMemory(0, Size / 2).ToArray(), "reset");

        Assert.False(File.Exists(server.PathOf("new.bin")), "a half upload is visible under the target name");
        Assert.Single(HiddenFiles(server));
        await ftp.CommandAsync("TYPE I", 200);
        var kept = long.Parse((await ftp.CommandAsync("SIZE new.bin", 213)).Text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(kept, 1, Size / 2);
        await ftp.CommandAsync("MDTM new.bin", 213);
        await ftp.CommandAsync("RETR new.bin", 550);

        if (resume == "REST")
        {
            await ftp.CommandAsync($"REST {kept}", 350);
            await DataHelpers.UploadAsync(ftp, "STOR new.bin", content[(int)kept..]);
        }
        else
        {
            await DataHelpers.UploadAsync(ftp, "APPE new.bin", content[(int)kept..]);
        }

        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await File.ReadAllBytesAsync(server.PathOf("new.bin"))));
        Assert.Empty(HiddenFiles(server));
    }

    [Fact]
    [VerbTest("STOR", "REST")]
    public async Task An_interrupted_overwrite_resumes_when_the_client_knows_its_offset()
    {
        await using var server = await TestServer.StartAsync();
        var old = RandomNumberGenerator.GetBytes(Size);
        var content = RandomNumberGenerator.GetBytes(Size);
        DataHelpers.WriteFile(server, "feed.bin", old);
        await using var ftp = await server.ConnectAsync();
        await InterruptUploadAsync(server, ftp, "STOR feed.bin", content.AsMemory(0, Size / 2).ToArray(), "ABOR");
        var kept = new FileInfo(Assert.Single(HiddenFiles(server))).Length;
        Assert.InRange(kept, 1, Size / 2);

        await ftp.CommandAsync("TYPE I", 200);
        await ftp.CommandAsync($"REST {kept}", 350);
        await DataHelpers.UploadAsync(ftp, "STOR feed.bin", content[(int)kept..]);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await File.ReadAllBytesAsync(server.PathOf("feed.bin"))));
        Assert.Empty(HiddenFiles(server));
    }

    [Fact]
    [VerbTest("STOR", "DELE", "SIZE")]
    public async Task DELE_of_the_name_discards_a_kept_partial()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await InterruptUploadAsync(server, ftp, "STOR new.bin", RandomNumberGenerator.GetBytes(Size / 2), "reset");
        Assert.Single(HiddenFiles(server));

        await ftp.CommandAsync("DELE new.bin", 250);
        Assert.Empty(HiddenFiles(server));
        await ftp.CommandAsync("SIZE new.bin", 550);
        await ftp.CommandAsync("DELE new.bin", 550);
    }

    [Fact]
    [VerbTest("STOR", "SIZE")]
    public async Task With_AbortedUploads_Delete_nothing_is_left()
    {
        await using var server = await TestServer.StartAsync(options => options.AbortedUploads = AbortedUploads.Delete);
        await using var ftp = await server.ConnectAsync();
        await InterruptUploadAsync(server, ftp, "STOR new.bin", RandomNumberGenerator.GetBytes(Size / 2), "reset");

        Assert.True(await Probe.EventuallyAsync(() => HiddenFiles(server).Count == 0, TimeSpan.FromSeconds(10)), "the aborted upload was kept");
        Assert.False(File.Exists(server.PathOf("new.bin")));
        await ftp.CommandAsync("SIZE new.bin", 550);
    }

    [Fact]
    [VerbTest("RETR", "DELE", "RNFR", "RNTO", "SIZE", "MKD", "STOR", "MLST", "CWD")]
    public async Task Hidden_upload_files_cannot_be_addressed()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, ".ferry-partial.x.bin", "partial");
        DataHelpers.WriteFile(server, ".ferry-upload.0123456789abcdef", "in flight");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        foreach (var name in new[] { ".ferry-partial.x.bin", ".ferry-upload.0123456789abcdef" })
        {
            Assert.Equal(550, (await DataHelpers.TryDownloadAsync(ftp, "RETR " + name)).Reply.Code);
            await ftp.CommandAsync("SIZE " + name, 550);
            await ftp.CommandAsync("MLST " + name, 550);
            await ftp.CommandAsync("DELE " + name, 550);
            await ftp.CommandAsync("RNFR " + name, 550);
            Assert.True((await DataHelpers.TryUploadAsync(ftp, "STOR " + name, "planted")).Code is 550 or 553);
        }

        await ftp.CommandAsync("RNFR " + "plain.txt", 550);
        DataHelpers.WriteFile(server, "plain.txt", "plain");
        await ftp.CommandAsync("RNFR plain.txt", 350);
        Assert.True((await ftp.SendAndReadAsync("RNTO .ferry-partial.plain.txt")).Code is 550 or 553);
        Assert.True((await ftp.SendAndReadAsync("MKD .ferry-upload.dir")).Code is 550 or 553);
        Assert.Equal("partial", await File.ReadAllTextAsync(server.PathOf(".ferry-partial.x.bin")));
        Assert.Equal("in flight", await File.ReadAllTextAsync(server.PathOf(".ferry-upload.0123456789abcdef")));
        Assert.Equal("plain", await File.ReadAllTextAsync(server.PathOf("plain.txt")));
    }

    [Fact]
    [VerbTest("LIST", "STOR")]
    public async Task A_killed_servers_leftovers_are_swept_when_the_folder_is_first_listed_or_uploaded_to()
    {
        await using var server = await TestServer.StartAsync();
        var stale = DataHelpers.WriteFile(server, ".ferry-upload.00000000000000aa", "left by a killed server");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        var live = DataHelpers.WriteFile(server, ".ferry-upload.00000000000000bb", "an upload of this process");
        var keptPartial = DataHelpers.WriteFile(server, ".ferry-partial.a.bin", "kept for a resume");
        File.SetLastWriteTimeUtc(keptPartial, DateTime.UtcNow.AddHours(-1));
        var staleInSub = DataHelpers.WriteFile(server, "sub/.ferry-upload.00000000000000cc", "left in a subfolder");
        File.SetLastWriteTimeUtc(staleInSub, DateTime.UtcNow.AddHours(-1));

        await using var ftp = await server.ConnectAsync();
        await DataHelpers.ListLinesAsync(ftp, "LIST -a");
        Assert.False(File.Exists(stale), "the stale in-flight file was not swept");
        Assert.True(File.Exists(live), "an in-flight file newer than the server process was swept");
        Assert.True(File.Exists(keptPartial), "a kept partial was swept");
        Assert.True(File.Exists(staleInSub), "a folder nobody visited was swept");

        await DataHelpers.UploadAsync(ftp, "STOR sub/new.txt", "new"u8.ToArray());
        Assert.False(File.Exists(staleInSub), "the first upload into the folder did not sweep it");
    }

    [Fact]
    [VerbTest("STOR")]
    public async Task A_name_too_long_is_refused_before_the_transfer_starts()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        Assert.Equal(553, (await DataHelpers.TryUploadAsync(ftp, "STOR " + new string('n', 256), "x")).Code);
        Assert.Empty(HiddenFiles(server));
    }

    [Fact]
    [VerbTest("STOR", "SITE")]
    public async Task A_replaced_file_keeps_its_mode()
    {
        await using var server = await TestServer.StartAsync();
        var path = DataHelpers.WriteFile(server, "private.txt", "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var ftp = await server.ConnectAsync();
        await DataHelpers.UploadAsync(ftp, "STOR private.txt", "new"u8.ToArray());
        Assert.Equal("new", await File.ReadAllTextAsync(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Two_create_only_uploads_of_one_name_cannot_both_win()
    {
        await using var server = await TestServer.StartAsync();
        using var fileSystem = new LocalFileSystem(server.Root);
        var path = VirtualPath.Root.Child("once.txt");
        await using var first = await fileSystem.BeginUploadAsync(path, UploadMode.CreateNew, 0, CancellationToken.None);
        await using var second = await fileSystem.BeginUploadAsync(path, UploadMode.CreateNew, 0, CancellationToken.None);
        await first.Content.WriteAsync("first"u8.ToArray());
        await second.Content.WriteAsync("second"u8.ToArray());
        await first.CommitAsync(CancellationToken.None);
        var lost = await Assert.ThrowsAsync<StorageException>(async () => await second.CommitAsync(CancellationToken.None));
        Assert.Equal(StorageErrorKind.AlreadyExists, lost.Kind);
        await second.DisposeAsync();
        Assert.Equal("first", await File.ReadAllTextAsync(server.PathOf("once.txt")));

        // The loser's bytes are no partial of the winner's file: nothing is kept.
        Assert.Empty(HiddenFiles(server));
        await Assert.ThrowsAsync<StorageException>(async () => await fileSystem.BeginUploadAsync(path, UploadMode.CreateNew, 0, CancellationToken.None));
    }

    [Fact]
    public async Task Begin_and_commit_honour_their_token()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "feed.txt", "old");
        using var fileSystem = new LocalFileSystem(server.Root);
        var path = VirtualPath.Root.Child("feed.txt");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await fileSystem.BeginUploadAsync(path, UploadMode.Replace, 0, cancelled.Token));

        await using (var upload = await fileSystem.BeginUploadAsync(path, UploadMode.Replace, 0, CancellationToken.None))
        {
            await upload.Content.WriteAsync("new"u8.ToArray());
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await upload.CommitAsync(cancelled.Token));
        }

        Assert.Equal("old", await File.ReadAllTextAsync(server.PathOf("feed.txt")));
    }

    /// <summary>STOR with <paramref name="sent"/> on the data connection, then a client reset or ABOR; waits for the final reply and for the abort to be done.</summary>
    private static async Task InterruptUploadAsync(TestServer server, WireClient ftp, string command, byte[] sent, string interruption)
    {
        await ftp.CommandAsync("TYPE I", 200);
        var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync(command);
        await ftp.ExpectAsync(150);
        await SendAsync(data, sent);

        // Some of it on disk, so there is something to keep (bounded: 10 s).
        await Probe.EventuallyAsync(() => HiddenFiles(server).Any(file => new FileInfo(file).Length > 0), TimeSpan.FromSeconds(10));
        if (interruption == "ABOR")
        {
            await ftp.SendAsync("ABOR");
            await ftp.ExpectAsync(426);
            await ftp.ExpectAsync(226);
            data.Dispose();
        }
        else
        {
            Probe.Reset(data);
            Assert.True((await ftp.ReadReplyAsync()).Code is 426 or 451);
        }

        // The abort renames the in-flight file to the partial before the session's next command is read; NOOP orders after it.
        await ftp.CommandAsync("NOOP", 200);
    }

    private static async Task SendAsync(Socket data, ReadOnlyMemory<byte> bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await data.SendAsync(bytes[sent..], SocketFlags.None);
        }
    }

    private static List<string> HiddenFiles(TestServer server) =>
        Directory.GetFiles(server.Root, ".ferry-*").ToList();
}
