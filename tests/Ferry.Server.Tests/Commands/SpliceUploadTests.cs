using System.Diagnostics;
using System.Net.Sockets;
using Ferry.Server.Tests.Protocol;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>
/// Plain binary uploads into local disk go through splice(2) (SpliceReceiver); everything else
/// through the copy loop. Which path a transfer took is read from the server's own log (event
/// 6120), never guessed from timing; the bytes are compared on disk.
/// </summary>
public sealed class SpliceUploadTests
{
    internal const int UploadMethodEvent = 6120;
    internal const int SpliceFallbackEvent = 6121;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_535)]
    [InlineData((1024 * 1024) + 7)]
    [InlineData(20 * 1024 * 1024)]
    [VerbTest("STOR")]
    public async Task A_plain_binary_STOR_goes_through_splice_byte_for_byte(int size)
    {
        await using var server = await TestServer.StartAsync(log: new RecordingLog());
        await using var ftp = await server.ConnectAsync();
        var content = Random(size);

        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR up.bin", content);

        Assert.Equal(content, await File.ReadAllBytesAsync(server.PathOf("up.bin")));
        AssertMethod(server, "STOR", "/up.bin", "splice");
        Assert.True(server.Log.Messages(SpliceFallbackEvent).Count == 0, string.Join("; ", server.Log.Messages(SpliceFallbackEvent)));
        await ftp.CommandAsync("NOOP", 200);
    }

    [Theory]
    [InlineData(false, 'I')]
    [InlineData(true, 'A')]
    public async Task UseSplice_false_and_ASCII_uploads_take_the_copy_loop(bool useSplice, char type)
    {
        await using var server = await TestServer.StartAsync(o => o.UseSplice = useSplice, log: new RecordingLog());
        await using var ftp = await server.ConnectAsync();
        var content = Random(300_000);

        await ftp.CommandAsync("TYPE " + type, 200);
        await DataHelpers.UploadAsync(ftp, "STOR copied.bin", content);

        AssertMethod(server, "STOR", "/copied.bin", "the copy loop");
        if (type == 'I')
        {
            Assert.Equal(content, await File.ReadAllBytesAsync(server.PathOf("copied.bin")));
        }
    }

    [Fact]
    [VerbTest("REST", "STOR")]
    public async Task REST_then_STOR_through_splice_keeps_the_head_and_replaces_the_tail()
    {
        await using var server = await TestServer.StartAsync(log: new RecordingLog());
        var old = Random(1_000_000);
        await File.WriteAllBytesAsync(server.PathOf("resume.bin"), old);
        await using var ftp = await server.ConnectAsync();
        var rest = Random(700_001);

        await ftp.CommandAsync("TYPE I", 200);
        await ftp.CommandAsync("REST 400000", 350);
        await DataHelpers.UploadAsync(ftp, "STOR resume.bin", rest);

        byte[] resumed = [.. old[..400_000], .. rest];
        Assert.Equal(resumed, await File.ReadAllBytesAsync(server.PathOf("resume.bin")));

        // A resume shorter than the old tail: RFC 3659 §5 makes the file end where the new bytes do.
        await ftp.CommandAsync("REST 100", 350);
        await DataHelpers.UploadAsync(ftp, "STOR resume.bin", rest[..50]);
        byte[] shortened = [.. old[..100], .. rest[..50]];
        Assert.Equal(shortened, await File.ReadAllBytesAsync(server.PathOf("resume.bin")));

        Assert.Equal(2, server.Log.Messages(UploadMethodEvent).Count(m => m.EndsWith("through splice", StringComparison.Ordinal)));
        Assert.True(server.Log.Messages(SpliceFallbackEvent).Count == 0, string.Join("; ", server.Log.Messages(SpliceFallbackEvent)));
    }

    [Fact]
    [VerbTest("APPE")]
    public async Task APPE_through_splice_adds_to_the_end_of_an_existing_file()
    {
        await using var server = await TestServer.StartAsync(log: new RecordingLog());
        var head = Random(12_345);
        await File.WriteAllBytesAsync(server.PathOf("log.bin"), head);
        await using var ftp = await server.ConnectAsync();
        var tail = Random((1024 * 1024) + 3);

        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "APPE log.bin", tail);
        await DataHelpers.UploadAsync(ftp, "APPE log.bin", tail[..10]);

        byte[] appended = [.. head, .. tail, .. tail[..10]];
        Assert.Equal(appended, await File.ReadAllBytesAsync(server.PathOf("log.bin")));
        AssertMethod(server, "APPE", "/log.bin", "splice");

        // .NET opens FileMode.Append without O_APPEND (it seeks to the end), so splice can write there: no fallback.
        Assert.True(server.Log.Messages(SpliceFallbackEvent).Count == 0, string.Join("; ", server.Log.Messages(SpliceFallbackEvent)));
    }

    /// <summary>
    /// RFC 959 §4.1.3: ABOR of a running transfer gets 426 for the transfer, then 226. Idle, the
    /// splice path waits for the socket to become readable; ABOR must release that wait.
    /// Flowing, it is in the middle of moving bytes.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    [VerbTest("ABOR")]
    public async Task ABOR_during_a_splice_upload_answers_426_then_226(bool flowing)
    {
        await using var server = await TestServer.StartAsync(o => o.DataStallTimeout = TimeSpan.FromMinutes(5), log: new RecordingLog());
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR aborted.bin", 150);
        var first = Random(200_000);
        await SendAllAsync(data, first);
        Assert.True(await Eventually(() => DataHelpers.UploadedLength(server, "aborted.bin") == first.Length),
            "the first bytes never reached the file");

        using var stopSending = new CancellationTokenSource();
        var sender = flowing ? KeepSendingAsync(data, stopSending.Token) : Task.CompletedTask;
        var clock = Stopwatch.StartNew();
        await ftp.SendAsync("ABOR");
        await ftp.ExpectAsync(426);
        await ftp.ExpectAsync(226);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"ABOR took {clock.Elapsed}");
        await stopSending.CancelAsync();
        await sender;

        AssertMethod(server, "STOR", "/aborted.bin", "splice");
        // An aborted upload keeps its bytes under a hidden name for a resume, never under its own (issue 13).
        Assert.False(File.Exists(server.PathOf("aborted.bin")));
        Assert.Equal(first, (await File.ReadAllBytesAsync(DataHelpers.KeptPartial(server, "aborted.bin")))[..first.Length]);

        // The session goes on: the next upload works.
        await DataHelpers.UploadAsync(ftp, "STOR after.bin", first);
        Assert.Equal(first, await File.ReadAllBytesAsync(server.PathOf("after.bin")));
    }

    [Fact]
    public async Task A_splice_upload_that_stops_sending_is_ended_by_the_stall_timeout()
    {
        await using var server = await TestServer.StartAsync(o => o.DataStallTimeout = TimeSpan.FromSeconds(1), log: new RecordingLog());
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR stalled.bin", 150);
        await SendAllAsync(data, Random(1000));

        // Nothing more is sent: the watchdog aborts the wait for readability.
        var reply = await ftp.ExpectAsync(426);
        Assert.Contains("No data moved", reply.Text, StringComparison.Ordinal);
        AssertMethod(server, "STOR", "/stalled.bin", "splice");
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_throttled_splice_upload_keeps_its_rate_and_every_byte()
    {
        await using var server = await TestServer.StartAsync(o => o.UploadRateLimit = ThrottledTransfers.MiB, log: new RecordingLog());
        await using var ftp = await server.ConnectAsync();
        var content = Random((int)(2 * ThrottledTransfers.MiB));

        var elapsed = await ThrottledTransfers.UploadAsync(ftp, "slow.bin", content);

        ThrottledTransfers.AssertTakes(elapsed, content.Length, ThrottledTransfers.MiB, "STOR by splice");
        Assert.Equal(content, await File.ReadAllBytesAsync(server.PathOf("slow.bin")));
        AssertMethod(server, "STOR", "/slow.bin", "splice");
    }

    internal static void AssertMethod(TestServer server, string verb, string path, string method)
    {
        var messages = server.Log.Messages(UploadMethodEvent);
        Assert.Contains(messages, m => m.EndsWith($": {verb} \"{path}\" receives through {method}", StringComparison.Ordinal));
    }

    internal static byte[] Random(int size)
    {
        var bytes = new byte[size];
        System.Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static async Task SendAllAsync(Socket data, byte[] content)
    {
        var sent = 0;
        while (sent < content.Length)
        {
            sent += await data.SendAsync(content.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>Sends until told to stop or the server closes the connection (ABOR).</summary>
    private static async Task KeepSendingAsync(Socket data, CancellationToken stop)
    {
        var chunk = Random(64 * 1024);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await data.SendAsync(chunk, SocketFlags.None, stop);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
