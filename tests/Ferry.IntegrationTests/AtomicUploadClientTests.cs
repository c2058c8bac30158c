using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// Issue 13, part 1, with real clients and the real `ferry serve` process: an upload over a file
/// that is interrupted (a client reset, ABOR, kill -9 of the server) leaves the old file byte for
/// byte, and an interrupted upload resumes with curl -C - (SIZE, APPE) and lftp put -c (SIZE,
/// REST, STOR) to the right SHA-256, from the partial the server kept under a hidden name.
/// </summary>
public sealed class AtomicUploadClientTests
{
    private const int Size = 4 * 1024 * 1024;

    [Fact]
    public async Task Curl_C_dash_resumes_an_interrupted_new_upload_to_the_right_sha256()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("atomic-curl");
        var source = local.Combine("new.bin");
        var bytes = FileTree.WriteRandomFile(source, Size);
        await InterruptAsync(server.EndPoint, server.Root, "STOR new.bin", bytes[..(Size / 4)], abor: false, login: ftp => ftp.LoginAsync(TestServer.UserName, TestServer.Password));
        Assert.False(File.Exists(server.PathOf("new.bin")), "a half upload is visible under its name");

        var result = (await ClientProcess.RunAsync("curl",
            ["-sS", "-v", "-g", "--max-time", "50", "--user", TestServer.UserName + ":" + TestServer.Password, "-C", "-", "-T", source, $"ftp://{server.UrlHost}:{server.Port}/new.bin"])).AssertSuccess();
        Assert.Contains("APPE new.bin", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf("new.bin")));
        Assert.Empty(Directory.GetFiles(server.Root, ".ferry-*"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lftp_put_c_resumes_an_interrupted_upload_to_the_right_sha256(bool overwrite)
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("atomic-lftp");
        var source = local.Combine("up.bin");
        var bytes = FileTree.WriteRandomFile(source, Size);

        // An overwrite resumes from the partial where the offset the client asks for (SIZE of the
        // old file) lies within it: here the old file is smaller than what was kept.
        var old = overwrite ? FileTree.WriteRandomFile(server.PathOf("up.bin"), 64 * 1024) : null;
        await InterruptAsync(server.EndPoint, server.Root, "STOR up.bin", bytes[..(Size / 4)], abor: true, login: ftp => ftp.LoginAsync(TestServer.UserName, TestServer.Password));
        if (old is null)
        {
            Assert.False(File.Exists(server.PathOf("up.bin")), "a half upload is visible under its name");
        }
        else
        {
            Assert.Equal(FileTree.Sha256(old), FileTree.Sha256OfFile(server.PathOf("up.bin")));
        }

        var result = (await ClientProcess.RunAsync("lftp",
            ["--norc", "-d", "-u", TestServer.UserName + "," + TestServer.Password, "-p", server.Port.ToString(CultureInfo.InvariantCulture),
             "-e", Lftp.Settings + $"put -c {source} -o up.bin; quit", server.Host])).AssertSuccess();
        Assert.Contains("---> REST ", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf("up.bin")));
        Assert.Empty(Directory.GetFiles(server.Root, ".ferry-*"));
    }

    [Fact]
    public async Task Curl_listing_and_download_during_an_interrupted_overwrite_see_only_the_old_file()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("atomic-list");
        var old = FileTree.WriteRandomFile(server.PathOf("feed.bin"), Size);
        await InterruptAsync(server.EndPoint, server.Root, "STOR feed.bin", FileTree.RandomBytes(Size / 2), abor: false, login: ftp => ftp.LoginAsync(TestServer.UserName, TestServer.Password));

        var curl = new[] { "-sS", "-g", "--max-time", "50", "--user", TestServer.UserName + ":" + TestServer.Password };
        var listing = (await ClientProcess.RunAsync("curl", [.. curl, "-Q", "TYPE A", $"ftp://{server.UrlHost}:{server.Port}/"])).AssertSuccess();
        Assert.DoesNotContain(".ferry-", listing.StdOut, StringComparison.Ordinal);
        Assert.Contains(" feed.bin", listing.StdOut, StringComparison.Ordinal);
        (await ClientProcess.RunAsync("curl", [.. curl, "-o", local.Combine("back.bin"), $"ftp://{server.UrlHost}:{server.Port}/feed.bin"])).AssertSuccess();
        Assert.Equal(FileTree.Sha256(old), FileTree.Sha256OfFile(local.Combine("back.bin")));
        Assert.Equal(FileTree.Sha256(old), FileTree.Sha256OfFile(server.PathOf("feed.bin")));
    }

    [Fact]
    public async Task Kill_9_of_the_server_during_an_overwrite_leaves_the_old_file_and_the_next_start_sweeps_the_leftover()
    {
        var folder = FileTree.NewTempFolder("atomic-kill");
        try
        {
            var home = Path.Combine(folder, "home");
            var data = Path.Combine(folder, "data");
            const string password = "carol's long password";
            var add = await FerryProcess.RunAsync(password, "user", "add", "carol", "--home", home, "--password-stdin", "--data-dir", data);
            Assert.True(add.ExitCode == 0, add.Errors);
            var old = FileTree.WriteRandomFile(Path.Combine(home, "feed.bin"), Size);

            var (first, port) = await ServeAsync(data);
            await using (first)
            {
                await using var ftp = await ConnectAsync(port);
                await ftp.LoginAsync("carol", password);
                await ftp.CommandAsync("TYPE I", 200);
                using var transfer = await ftp.OpenPassiveAsync();
                await ftp.SendAsync("STOR feed.bin");
                await ftp.ExpectAsync(150);
                await SendAllAsync(transfer, FileTree.RandomBytes(Size / 2));
                Assert.True(await EventuallyAsync(() => InFlight(home).Any(file => new FileInfo(file).Length > 0)), "no in-flight file appeared");

                first.SendSignal("KILL");
                await first.WaitForExitAsync();
            }

            Assert.Equal(FileTree.Sha256(old), FileTree.Sha256OfFile(Path.Combine(home, "feed.bin")));
            Assert.Single(InFlight(home));

            var (second, secondPort) = await ServeAsync(data);
            await using (second)
            {
                await using var ftp = await ConnectAsync(secondPort);
                await ftp.LoginAsync("carol", password);
                await ftp.CommandAsync("SIZE feed.bin", 213);
                var list = await ftp.OpenPassiveAsync();
                await ftp.SendAsync("LIST -a");
                await ftp.ExpectAsync(150);
                var listing = System.Text.Encoding.UTF8.GetString(await WireClient.ReadAllAsync(list));
                await ftp.ExpectAsync(226);
                Assert.DoesNotContain(".ferry-", listing, StringComparison.Ordinal);
                Assert.Empty(InFlight(home));
                second.SendSignal("TERM");
                await second.WaitForExitAsync();
            }
        }
        finally
        {
            FileTree.DeleteQuietly(folder);
        }
    }

    /// <summary>Logs in, starts <paramref name="command"/>, sends <paramref name="sent"/>, waits until some of it is on disk, then resets the data connection or sends ABOR; returns once the abort is done.</summary>
    private static async Task InterruptAsync(IPEndPoint endPoint, string root, string command, byte[] sent, bool abor, Func<WireClient, Task> login)
    {
        await using var ftp = await WireClient.ConnectAsync(endPoint);
        await ftp.ExpectAsync(220);
        await login(ftp);
        await ftp.CommandAsync("TYPE I", 200);
        var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync(command);
        await ftp.ExpectAsync(150);
        await SendAllAsync(data, sent);
        Assert.True(await EventuallyAsync(() => Directory.GetFiles(root, ".ferry-*").Any(file => new FileInfo(file).Length > 0)), "nothing reached the disk");
        if (abor)
        {
            await ftp.SendAsync("ABOR");
            await ftp.ExpectAsync(426);
            await ftp.ExpectAsync(226);
            data.Dispose();
        }
        else
        {
            data.LingerState = new LingerOption(true, 0);
            data.Dispose();
            var reply = await ftp.ReadReplyAsync();
            Assert.True(reply.Code is 426 or 451, $"after a reset: {reply}");
        }

        // The abort is done before the final reply; NOOP proves the session goes on.
        await ftp.CommandAsync("NOOP", 200);
    }

    private static async Task<(FerryProcess Server, int Port)> ServeAsync(string data)
    {
        var port = FerryProcess.FreePort();
        var server = FerryProcess.Start(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", data);
        await server.WaitForReadyAsync();
        return (server, port);
    }

    private static async Task<WireClient> ConnectAsync(int port)
    {
        var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await ftp.ExpectAsync(220);
        return ftp;
    }

    private static string[] InFlight(string home) => Directory.GetFiles(home, ".ferry-upload.*");

    private static async Task SendAllAsync(Socket data, byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await data.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        return condition();
    }
}
