using System.Diagnostics;
using System.Net.Sockets;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Protocol;

/// <summary>Timed whole transfers for the rate-limit tests, and the one timing assertion they share.</summary>
internal static class ThrottledTransfers
{
    public const long KiB = 1024;

    public const long MiB = 1024 * 1024;

    /// <summary>
    /// The timed tests measure the limits of a warm server. In a fresh test process on 2 cores the
    /// thread pool starts with 2 workers, busy compiling the first transfers' code, and the first
    /// throttled transfers of the process then came 0.6-0.75 s late (2.6-2.75 s for 2 s) in 4 of
    /// 6 runs of RateLimitSharingTests on 2026-12-07, at this session's start commit too; with 16
    /// workers from the start, 0 of 6. A cold start is not what these tests are about (the note of
    /// issue 15 hands the cold start itself to issue 18), so the pool starts wider here.
    /// </summary>
    private static readonly bool PoolWidened = WidenThreadPool();

    private static bool WidenThreadPool()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        return ThreadPool.SetMinThreads(Math.Max(workers, 16), completionPorts);
    }

    /// <summary>
    /// A transfer at a limit takes size/rate: a new bucket starts without credit (RateBucket), so
    /// there is no head start to subtract, and the last chunk leaves when its time is due. The
    /// spec is ±10% over a few seconds, with a fixed allowance on the slow side for scheduling.
    /// </summary>
    public static void AssertTakes(TimeSpan elapsed, long bytes, long bytesPerSecond, string what)
    {
        // Not faster than the limit allows (-10%): that is what a limit promises. Not much slower
        // either (+10%), plus 0.3 s for what no schedule controls on a loaded machine: the last
        // chunk's send after its slot, the command's dispatch, the 226 and the test's own reads
        // being scheduled.
        var expected = (double)bytes / bytesPerSecond;
        var seconds = elapsed.TotalSeconds;
        Assert.True(seconds >= expected * 0.90 && seconds <= (expected * 1.10) + 0.3,
            $"{what}: {bytes} bytes at {bytesPerSecond} B/s should take {expected:0.000} s -10%/+10%+0.3 s, took {seconds:0.000} s");
    }

    /// <summary>Logs in a new session of <paramref name="user"/> on <paramref name="server"/>.</summary>
    public static async Task<WireClient> ConnectAsync(TestServer server, string user = TestServer.UserName, string password = TestServer.Password)
    {
        Assert.True(PoolWidened);
        var ftp = await WireClient.ConnectAsync(server.EndPoint);
        await ftp.ExpectAsync(220);
        await ftp.LoginAsync(user, password);
        return ftp;
    }

    /// <summary>
    /// TYPE, EPSV, RETR to 226; the time from sending RETR to 226 (so that sessions sharing a
    /// bucket are timed from the same moment), and the bytes received.
    /// </summary>
    public static async Task<(byte[] Bytes, TimeSpan Elapsed)> DownloadAsync(WireClient ftp, string name, char type = 'I')
    {
        await ftp.CommandAsync("TYPE " + type, 200);
        var data = await ftp.OpenPassiveAsync();
        var clock = Stopwatch.StartNew();
        await ftp.SendAsync("RETR " + name);
        await ftp.ExpectAsync(150);
        var bytes = await WireClient.ReadAllAsync(data);
        await ftp.ExpectAsync(226);
        return (bytes, clock.Elapsed);
    }

    /// <summary>TYPE I, EPSV, STOR to 226; the time from STOR to 226.</summary>
    public static async Task<TimeSpan> UploadAsync(WireClient ftp, string name, byte[] content)
    {
        await ftp.CommandAsync("TYPE I", 200);
        var clock = Stopwatch.StartNew();
        await DataHelpers.UploadAsync(ftp, "STOR " + name, content);
        return clock.Elapsed;
    }

    /// <summary>Reads from a data connection until <paramref name="count"/> bytes came (the transfer is under way).</summary>
    public static async Task ReadAtLeastAsync(Socket data, int count)
    {
        var buffer = new byte[64 * 1024];
        var received = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (received < count)
        {
            var read = await data.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(read > 0, "the data connection ended early");
            received += read;
        }
    }
}
