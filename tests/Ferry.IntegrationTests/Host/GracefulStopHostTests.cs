using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using Ferry.IntegrationTests.Support;
using Ferry.Server;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// SIGTERM on `ferry serve` (issue 14, "Graceful stop"): the listener closes, sessions with
/// nothing running hear 421 at once, running transfers get Server:ShutdownDrainTimeout to end
/// (226, every byte), no transfer starts meanwhile (421), then every session hears 421 and the
/// process exits 0; a transfer still running when the drain ends is cut (426).
/// </summary>
public sealed class GracefulStopHostTests
{
    private const int StopWaitingForTransfers = 7200;
    private const int StopDrained = 7201;

    [Fact]
    public async Task Sigterm_lets_running_downloads_finish_while_idle_sessions_and_new_transfers_get_421_then_exits_0()
    {
        await using var ferry = await ServeHarness.CreateAsync("drain");
        // Every session's downloads at 256 KiB/s: 2 MiB take about 8 s, 512 KiB about 2 s. The drain is the default (30 s).
        ferry.WriteConfig(new Dictionary<string, object?> { ["DownloadRateLimit"] = 256 * 1024 });
        var big = FileTree.WriteRandomFile(Path.Combine(ferry.Home, "big.bin"), 2 * 1024 * 1024);
        var small = FileTree.WriteRandomFile(Path.Combine(ferry.Home, "small.bin"), 512 * 1024);
        await ferry.StartAsync();

        await using var idle = await ferry.LoginAsync();
        await using var longDownload = await ferry.LoginAsync();
        var longData = await StartDownloadAsync(longDownload, "big.bin");
        await using var shortDownload = await ferry.LoginAsync();
        var shortData = await StartDownloadAsync(shortDownload, "small.bin");
        var curlTarget = Path.Combine(ferry.Folder, "curl-big.bin");
        var curl = ClientProcess.RunAsync("curl", ["-sS", "-v", "-o", curlTarget, "-u", $"{ServeHarness.UserName}:{ServeHarness.Password}",
            $"ftp://127.0.0.1:{ferry.Port.ToString(CultureInfo.InvariantCulture)}/big.bin"], timeout: TimeSpan.FromSeconds(60));
        await WaitUntilAsync(() => longData.Received > 0 && shortData.Received > 0 && File.Exists(curlTarget) && new FileInfo(curlTarget).Length > 0, "the downloads to begin");

        var clock = Stopwatch.StartNew();
        ferry.Server.SendSignal("TERM");

        // At once: the idle session hears 421 and goes, new connections are refused.
        var idleReply = await idle.ReadReplyAsync();
        Assert.True(idleReply.Code == 421, idleReply.ToString());
        Assert.True(await idle.IsClosedByServerAsync());
        Assert.False(longData.Completion.IsCompleted, "the long download ended before the idle session heard 421: the 421 was not 'at once'");
        Assert.False(await ServeHarness.AcceptsConnectionsAsync(ferry.Port), "a stopping server still accepts connections");
        Assert.Contains("for 3 running transfer(s) to finish (setting ShutdownDrainTimeout)", await ferry.WaitForEventAsync(StopWaitingForTransfers), StringComparison.Ordinal);

        // The short download ends whole; that session may not start another transfer.
        Assert.Equal(FileTree.Sha256(small), await shortData.Sha256Async());
        await shortDownload.ExpectAsync(226);
        Assert.False(longData.Completion.IsCompleted, "the long download ended before the short one's session tried a new transfer");
        var again = await shortDownload.OpenPassiveAsync();
        again.Dispose();
        var refused = await shortDownload.CommandAsync("RETR small.bin", 421);
        Assert.Contains("shutting down", refused.Text, StringComparison.Ordinal);

        // The long download (and curl's) end whole with 226; then the session hears 421.
        Assert.Equal(FileTree.Sha256(big), await longData.Sha256Async());
        await longDownload.ExpectAsync(226);
        await longDownload.ExpectAsync(421);
        var fetched = (await curl).AssertSuccess();
        Assert.Contains("< 226", fetched.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(big), FileTree.Sha256OfFile(curlTarget));

        await ferry.Server.WaitForExitAsync(TimeSpan.FromSeconds(40));
        Assert.Equal(0, ferry.Server.ExitCode);
        Assert.Contains("Stopping: 3 transfer(s) finished, 0 cut", await ferry.WaitForEventAsync(StopDrained), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the stop took {clock.Elapsed}, as long as the whole drain allows: it waited for nothing that ran");
    }

    [Fact]
    public async Task A_transfer_still_running_when_ShutdownDrainTimeout_ends_is_cut_with_426_and_the_process_exits_0_in_time_even_after_a_sighup()
    {
        await using var ferry = await ServeHarness.CreateAsync("drain-cut");
        var drain = TimeSpan.FromSeconds(2);
        // 2 MiB at 64 KiB/s would take 32 s.
        ferry.WriteConfig(new Dictionary<string, object?> { ["DownloadRateLimit"] = 64 * 1024, ["ShutdownDrainTimeout"] = "00:00:02" });
        FileTree.WriteRandomFile(Path.Combine(ferry.Home, "big.bin"), 2 * 1024 * 1024);
        await ferry.StartAsync();

        await using var download = await ferry.LoginAsync();
        var data = await StartDownloadAsync(download, "big.bin");
        await WaitUntilAsync(() => data.Received > 0, "the download to begin");

        var clock = Stopwatch.StartNew();
        ferry.Server.SendSignal("TERM");
        await ferry.WaitForEventAsync(StopWaitingForTransfers);
        // logrotate's postrotate or an admin's kill -HUP, while the stop drains: never the end of the process.
        ferry.Server.SendSignal("HUP");
        await download.ExpectAsync(426);
        var cutAfter = clock.Elapsed;
        await download.ExpectAsync(421);
        await ferry.Server.WaitForExitAsync(drain + FtpServer.StopDeadline + TimeSpan.FromSeconds(5));
        var exitedAfter = clock.Elapsed;

        Assert.Equal(0, ferry.Server.ExitCode);
        await data.Completion;
        Assert.InRange(data.Received, 1, 2 * 1024 * 1024 - 1);
        // The server's own deadline: the transfer had its drain, and the process did not wait the 30 s default.
        Assert.True(cutAfter >= drain - TimeSpan.FromMilliseconds(200), $"cut after {cutAfter}, before the {drain} drain ended");
        Assert.True(exitedAfter < drain + FtpServer.StopDeadline, $"exit after {exitedAfter}; allowed: the drain {drain} + the stop deadline {FtpServer.StopDeadline}");
        Assert.Contains("Stopping: 0 transfer(s) finished, 1 cut", await ferry.WaitForEventAsync(StopDrained), StringComparison.Ordinal);
        Assert.Empty(ferry.Events(7204));
        Assert.Single(ferry.Events(7252));
    }

    [Fact]
    public async Task A_ShutdownDrainTimeout_raised_by_a_reload_is_what_a_later_stop_waits_for()
    {
        await using var ferry = await ServeHarness.CreateAsync("drain-reload");
        // Started with no drain: the host's own stop deadline was then 12 s (drain + 7 s + 5 s margin).
        ferry.WriteConfig(new Dictionary<string, object?> { ["DownloadRateLimit"] = 128 * 1024, ["ShutdownDrainTimeout"] = "00:00:00" });
        var big = FileTree.WriteRandomFile(Path.Combine(ferry.Home, "big.bin"), 2 * 1024 * 1024);
        await ferry.StartAsync();
        ferry.WriteConfig(new Dictionary<string, object?> { ["DownloadRateLimit"] = 128 * 1024, ["ShutdownDrainTimeout"] = "00:00:30" });
        ferry.Server.SendSignal("HUP");
        await ferry.WaitForEventAsync(7204);

        // About 16 s at 128 KiB/s: longer than the start's deadline, well within the reloaded drain.
        await using var download = await ferry.LoginAsync();
        var data = await StartDownloadAsync(download, "big.bin");
        await WaitUntilAsync(() => data.Received > 0, "the download to begin");
        ferry.Server.SendSignal("TERM");

        Assert.Equal(FileTree.Sha256(big), await data.Sha256Async());
        await download.ExpectAsync(226);
        await download.ExpectAsync(421);
        await ferry.Server.WaitForExitAsync(TimeSpan.FromSeconds(40));
        Assert.Equal(0, ferry.Server.ExitCode);
        Assert.Contains("Stopping: 1 transfer(s) finished, 0 cut", await ferry.WaitForEventAsync(StopDrained), StringComparison.Ordinal);
    }

    /// <summary>EPSV, RETR, 150, and a reader that takes the data connection's bytes as fast as they come.</summary>
    private static async Task<Download> StartDownloadAsync(WireClient ftp, string name)
    {
        await ftp.CommandAsync("TYPE I", 200);
        var socket = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("RETR " + name, 150);
        return new Download(socket);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"waited 20 s for {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>One data connection read to its end (or until cut), hashing what came.</summary>
    private sealed class Download
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _received;

        public Download(Socket socket) => Completion = ReadAsync(socket);

        public Task Completion { get; }

        public long Received => Interlocked.Read(ref _received);

        public async Task<string> Sha256Async()
        {
            await Completion.WaitAsync(TimeSpan.FromSeconds(40));
            return Convert.ToHexString(_hash.GetHashAndReset());
        }

        private async Task ReadAsync(Socket socket)
        {
            using (socket)
            {
                var buffer = new byte[64 * 1024];
                try
                {
                    int read;
                    while ((read = await socket.ReceiveAsync(buffer)) > 0)
                    {
                        _hash.AppendData(buffer, 0, read);
                        Interlocked.Add(ref _received, read);
                    }
                }
                catch (SocketException)
                {
                    // Cut by the server (a reset): Received says how far it got.
                }
            }
        }
    }
}
