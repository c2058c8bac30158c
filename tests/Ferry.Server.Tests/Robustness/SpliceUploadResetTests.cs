using System.Net.Sockets;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Robustness;

/// <summary>
/// A client that resets its data connection in the middle of a splice(2) upload: the transfer
/// ends with 426 (or with the session, when the control connection goes too), and nothing of it
/// stays behind: not the pipe's two descriptors, not the file, not the session.
/// </summary>
[Collection(ResourceCountingCollection.Name)]
public sealed class SpliceUploadResetTests
{
    [Fact]
    [VerbTest("STOR")]
    public async Task Clients_resetting_mid_splice_upload_leave_no_pipe_file_or_session_behind()
    {
        await using var server = await TestServer.StartAsync(log: new RecordingLog());

        // One cycle first, so descriptors the runtime creates lazily are in the baseline.
        await ResetDuringUploadAsync(server, "warmup.bin", resetControlToo: false);
        await AssertNoSessionsAsync(server);
        var pipesBefore = OpenPipes();
        var fdsBefore = Probe.OpenFileDescriptors();

        const int Cycles = 20;
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            await ResetDuringUploadAsync(server, $"reset-{cycle}.bin", resetControlToo: cycle % 2 == 1);
            if (cycle % 2 == 0)
            {
                // The pipe is closed before the 426 goes out, not whenever a finalizer gets to it.
                Assert.True(OpenPipes() <= pipesBefore, $"cycle {cycle}: {OpenPipes()} pipes open after the 426, {pipesBefore} before");
            }
        }

        await AssertNoSessionsAsync(server);
        var filesClosed = await Probe.EventuallyAsync(() => Probe.OpenFilesUnder(server.Root).Count == 0, TimeSpan.FromSeconds(15));
        Assert.True(filesClosed, "still open: " + string.Join(", ", Probe.OpenFilesUnder(server.Root).Distinct().Take(5)));
        var pipesBack = await Probe.EventuallyAsync(() => OpenPipes() <= pipesBefore, TimeSpan.FromSeconds(15));
        Assert.True(pipesBack, $"open pipes: {OpenPipes()}, {pipesBefore} before {Cycles} reset uploads");
        await Probe.AssertFileDescriptorsBackAsync(fdsBefore, margin: 8);
        Assert.Equal(Cycles + 1, server.Log.Messages(SpliceUploadTests.UploadMethodEvent).Count(m => m.EndsWith("through splice", StringComparison.Ordinal)));

        // Each partial upload kept what arrived before the reset, and the server still serves.
        Assert.All(Enumerable.Range(0, Cycles), cycle => Assert.True(new FileInfo(DataHelpers.KeptPartial(server, $"reset-{cycle}.bin")).Length >= SentBeforeReset));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var content = SpliceUploadTests.Random(3 * 1024 * 1024);
        await DataHelpers.UploadAsync(ftp, "STOR after.bin", content);
        Assert.Equal(content, await File.ReadAllBytesAsync(server.PathOf("after.bin")));
    }

    private const int SentBeforeReset = 256 * 1024;

    /// <summary>STOR, 256 KiB sent and written (the splice loop is running), then RST on the data connection (and on the control one).</summary>
    private static async Task ResetDuringUploadAsync(TestServer server, string name, bool resetControlToo)
    {
        // The previous cycle's abort (after a reset of both connections it runs as its session
        // ends) must have moved its temporary file aside first: UploadedLength counts any of them.
        var previousSettled = await Probe.EventuallyAsync(() => Directory.GetFiles(server.Root, ".ferry-upload.*").Length == 0, TimeSpan.FromSeconds(15));
        Assert.True(previousSettled, "an earlier cycle's upload is still open");
        var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR " + name, 150);
        var chunk = SpliceUploadTests.Random(SentBeforeReset);
        var sent = 0;
        while (sent < chunk.Length)
        {
            sent += await data.SendAsync(chunk.AsMemory(sent), SocketFlags.None);
        }

        var written = await Probe.EventuallyAsync(() => DataHelpers.UploadedLength(server, name) >= SentBeforeReset, TimeSpan.FromSeconds(10));
        Assert.True(written, $"{name}: the first {SentBeforeReset} bytes never reached the file");
        Probe.Reset(data);
        if (resetControlToo)
        {
            Probe.Reset(ftp.Socket);
        }
        else
        {
            await ftp.ExpectAsync(426);
            await ftp.CommandAsync("QUIT", 221);
        }

        await ftp.DisposeAsync();
    }

    private static async Task AssertNoSessionsAsync(TestServer server)
    {
        var drained = await Probe.EventuallyAsync(() => server.Server.ActiveSessions == 0, TimeSpan.FromSeconds(15));
        Assert.True(drained, $"ActiveSessions stayed at {server.Server.ActiveSessions}, expected 0");
    }

    /// <summary>Pipe descriptors of this process (the splice path holds two per upload).</summary>
    private static int OpenPipes()
    {
        var count = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("pipe:", StringComparison.Ordinal) == true)
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        return count;
    }
}
