using System.Diagnostics;
using System.Net.Sockets;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;
using static Ferry.Server.Tests.Protocol.ThrottledTransfers;

namespace Ferry.Server.Tests.Protocol;

/// <summary>Throttled transfers still end when they should: ABOR at once, a stalled client by the watchdog, a slow one never.</summary>
public sealed class RateLimitAbortTests
{
    /// <summary>RFC 959 §4.1.3 while the transfer waits for its limit: 426, then 226, promptly, and the session goes on.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Abor_during_a_throttled_download_answers_at_once(bool useSendFile)
    {
        // 64 KiB/s: 1 MiB would take 16 s.
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DownloadRateLimit = 64 * KiB;
            o.UseSendFile = useSendFile;
        });
        DataHelpers.WriteFile(server, "slow.bin", DataHelpers.Pattern((int)MiB));
        await using var ftp = await ConnectAsync(server);
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("RETR slow.bin", 150);
        await ReadAtLeastAsync(data, 8 * 1024);

        var clock = Stopwatch.StartNew();
        await ftp.SendAsync("ABOR");
        await ftp.ExpectAsync(426);
        await ftp.ExpectAsync(226);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"ABOR took {clock.Elapsed}");

        await ftp.CommandAsync("NOOP", 200);
        DataHelpers.WriteFile(server, "small.txt", "ok");
        Assert.Equal("ok", await DataHelpers.DownloadTextAsync(ftp, "RETR small.txt"));
    }

    [Fact]
    public async Task Abor_during_a_throttled_upload_answers_at_once()
    {
        await using var server = await TestServer.StartAsync(o => o.UploadRateLimit = 64 * KiB);
        await using var ftp = await ConnectAsync(server);
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR slow.bin", 150);

        // More than the socket buffers hold: the sender is held back by the server's limit.
        var sending = Task.Run(async () =>
        {
            var chunk = new byte[64 * 1024];
            try
            {
                for (var i = 0; i < 1024; i++)
                {
                    await data.SendAsync(chunk, SocketFlags.None);
                }
            }
            catch (SocketException)
            {
                // The server closed the data connection on ABOR.
            }
        });
        await Task.Delay(300);

        var clock = Stopwatch.StartNew();
        await ftp.SendAsync("ABOR");
        await ftp.ExpectAsync(426);
        await ftp.ExpectAsync(226);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"ABOR took {clock.Elapsed}");
        data.Close();
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_transfer_slower_than_the_stall_timeout_per_chunk_is_not_taken_for_stalled()
    {
        // At the minimum limit, 1 KiB/s, each 1 KiB chunk waits 1 s: twice the stall timeout.
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DownloadRateLimit = 1024;
            o.DataStallTimeout = TimeSpan.FromMilliseconds(400);
        });
        var content = DataHelpers.Pattern(2048);
        DataHelpers.WriteFile(server, "tiny.bin", content);
        await using var ftp = await ConnectAsync(server);

        var (bytes, elapsed) = await DownloadAsync(ftp, "tiny.bin");

        Assert.Equal(content, bytes);
        AssertTakes(elapsed, 2048, 1024, "2 KiB at 1 KiB/s");
    }

    [Fact]
    public async Task A_throttled_transfer_whose_client_stops_reading_is_still_ended_as_stalled()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DownloadRateLimit = 32 * MiB;
            o.DataStallTimeout = TimeSpan.FromSeconds(1);
        });
        await using var ftp = await ConnectAsync(server);

        // The data socket is never read: the socket buffers fill within a second, then nothing moves.
        using var data = await DataHelpers.StartLargeDownloadAsync(server, ftp, mebibytes: 512);
        var clock = Stopwatch.StartNew();
        var reply = await ftp.ExpectAsync(426);
        Assert.Contains("No data moved", reply.Text, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the stall took {clock.Elapsed} to be seen");
        await ftp.CommandAsync("NOOP", 200);
    }
}
