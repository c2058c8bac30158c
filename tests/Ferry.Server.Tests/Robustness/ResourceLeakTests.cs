using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Robustness;

/// <summary>The tests that count this process's sockets, descriptors and memory run alone, so other tests' sockets do not blur the counts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResourceCountingCollection
{
    public const string Name = "Resource counting (runs alone)";
}

/// <summary>
/// Clients that flood, vanish or pile up must not leave sessions, sockets, listeners, open files
/// or memory behind.
/// </summary>
[Collection(ResourceCountingCollection.Name)]
public sealed class ResourceLeakTests
{
    private const int BigFileSize = 50 * 1024 * 1024;

    [Fact]
    public async Task Ten_megabytes_without_a_line_end_are_discarded_with_bounded_memory()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = CurrentWorkingSet();

        var chunk = Encoding.ASCII.GetBytes(new string('g', 64 * 1024));
        var clock = Stopwatch.StartNew();
        using (var sendTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            for (var sent = 0; sent < 10 * 1024 * 1024; sent += chunk.Length)
            {
                // Blocks when the server stops reading: the timeout makes that a failure, not a hang.
                await ftp.Socket.SendAsync(chunk, SocketFlags.None, sendTimeout.Token);
            }
        }

        var growth = CurrentWorkingSet() - before;
        await ftp.SendRawAsync("\r\n"u8.ToArray());
        await ftp.ExpectAsync(500);
        await ftp.CommandAsync("NOOP", 200);
        Assert.True(growth < 100L * 1024 * 1024, $"working set grew by {growth / (1024 * 1024)} MiB while 10 MiB of one line arrived");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
    }

    [Fact]
    [VerbTest("PASV")]
    public async Task A_pasv_flood_holds_one_listener_and_a_transfer_still_works()
    {
        // A range of its own, below the OS's ephemeral ports (32768 and up) and above the ranges
        // FerryProcess picks: an OS-chosen port that another test's listener takes after this one
        // released it would otherwise look like a listener left open.
        await using var server = await TestServer.StartAsync(options => options.PassivePorts = "31000-31999");
        await File.WriteAllTextAsync(server.PathOf("file.txt"), "after the flood");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var socketsBefore = Probe.OpenSockets();

        var ports = new List<int>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 500 && clock.Elapsed < TimeSpan.FromSeconds(60); i++)
        {
            ports.Add(Probe.PasvPort(await ftp.CommandAsync("PASV", 227)));
        }

        Assert.Equal(500, ports.Count);
        var listening = Probe.ListeningLoopbackPorts();
        var stillListening = ports.Distinct().Where(listening.Contains).ToList();
        Assert.True(stillListening.Count <= 1, $"{stillListening.Count} announced passive ports still listen: {string.Join(',', stillListening.Take(10))}");
        Assert.True(Probe.OpenSockets() <= socketsBefore + 2, $"sockets: {Probe.OpenSockets()} after the flood, {socketsBefore} before");

        var old = ports.First(p => p != ports[^1]);
        Assert.True(await Probe.IsRefusedAsync(IPAddress.Loopback, old), $"old passive port {old} still accepts connections");

        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("RETR file.txt", 150);
        var (received, _) = await Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
        await ftp.ExpectAsync(226);
        Assert.Equal("after the flood", Encoding.UTF8.GetString(received));
    }

    [Fact]
    [VerbTest("RETR", "STOR")]
    public async Task Clients_vanishing_mid_transfer_leave_no_session_socket_or_open_file()
    {
        await using var server = await TestServer.StartAsync();
        await using (var big = File.Create(server.PathOf("big.bin")))
        {
            big.SetLength(BigFileSize);
        }

        // One cycle of each kind first, so lazily created runtime descriptors are in the baseline.
        await VanishDuringDownloadAsync(server, resetControlFirst: false);
        await VanishDuringUploadAsync(server, "warmup.bin", resetControlFirst: false);
        await Probe.AssertNoSessionsAsync(server);
        await Task.Delay(200);
        var socketsBefore = Probe.OpenSockets();
        var fdsBefore = Probe.OpenFileDescriptors();

        var clock = Stopwatch.StartNew();
        var cycles = 0;
        for (; cycles < 50 && clock.Elapsed < TimeSpan.FromSeconds(120); cycles++)
        {
            await VanishDuringDownloadAsync(server, resetControlFirst: cycles % 2 == 0);
            await VanishDuringUploadAsync(server, $"partial-{cycles}.bin", resetControlFirst: cycles % 2 == 1);
        }

        Assert.Equal(50, cycles);
        await Probe.AssertNoSessionsAsync(server, TimeSpan.FromSeconds(30));
        var filesClosed = await Probe.EventuallyAsync(() => Probe.OpenFilesUnder(server.Root).Count == 0, TimeSpan.FromSeconds(15));
        Assert.True(filesClosed, "still open: " + string.Join(", ", Probe.OpenFilesUnder(server.Root).Distinct().Take(5)));
        await Probe.AssertSocketsBackAsync(socketsBefore, margin: 4);
        await Probe.AssertFileDescriptorsBackAsync(fdsBefore, margin: 16);

        // Every abort ended its in-flight file (issue 13: uploads write a hidden file renamed at the
        // commit), none is under its own name, and the kept partials are not locked: an exclusive
        // open and a delete both work. A partial exists where bytes reached the disk before the reset.
        Assert.Empty(Directory.GetFiles(server.Root, ".ferry-upload.*"));
        foreach (var name in Enumerable.Range(0, 50).Select(i => $"partial-{i}.bin").Append("warmup.bin"))
        {
            Assert.False(File.Exists(server.PathOf(name)), $"{name}: an aborted upload is visible under its name");
            var path = Commands.DataHelpers.KeptPartial(server, name);
            if (!File.Exists(path))
            {
                continue;
            }

            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
            }

            File.Delete(path);
        }

        // The server is otherwise fine.
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("SIZE big.bin", 213);
    }

    [Fact]
    [VerbTest("ABOR", "RETR")]
    public async Task A_download_the_client_stops_reading_can_be_aborted_or_ended_by_closing_the_control()
    {
        await using var server = await TestServer.StartAsync();
        await using (var big = File.Create(server.PathOf("big.bin")))
        {
            big.SetLength(BigFileSize);
        }

        // ABOR while the server is blocked on a full socket buffer.
        await using (var ftp = await server.ConnectAsync())
        {
            await ftp.CommandAsync("TYPE I", 200);
            using var data = await ftp.OpenPassiveAsync();
            data.ReceiveBufferSize = 64 * 1024;
            await ftp.CommandAsync("RETR big.bin", 150);
            var buffer = new byte[64 * 1024];
            await data.ReceiveAsync(buffer, SocketFlags.None);
            await Task.Delay(300);
            await ftp.SendAsync("ABOR");
            var first = await ftp.ReadReplyAsync();
            Assert.True(first.Code is 426 or 226, $"ABOR of a stalled download: {first}");
            if (first.Code == 426)
            {
                await ftp.ExpectAsync(226);
            }

            await ftp.CommandAsync("NOOP", 200);
        }

        await Probe.AssertNoSessionsAsync(server);

        // The control connection closes (FIN) while the data connection stays open and unread.
        Socket? stalled = null;
        try
        {
            await using (var ftp = await server.ConnectAsync())
            {
                await ftp.CommandAsync("TYPE I", 200);
                stalled = await ftp.OpenPassiveAsync();
                await ftp.CommandAsync("RETR big.bin", 150);
                await Task.Delay(300);
            }

            await Probe.AssertNoSessionsAsync(server);
            var (_, ended) = await Probe.DrainAsync(stalled, TimeSpan.FromSeconds(30));
            Assert.True(ended, "the server kept sending after the control connection was gone");
            Assert.Empty(Probe.OpenFilesUnder(server.Root));
        }
        finally
        {
            stalled?.Dispose();
        }
    }

    [Theory]
    [InlineData("QUIT")]
    [InlineData("PWD")]
    [VerbTest("QUIT", "RETR")]
    public async Task A_client_that_stalls_a_download_queues_a_command_and_leaves_does_not_pin_the_session(string queued)
    {
        // The client stops reading the data connection, sends a command that waits for the
        // transfer (QUIT or any sequential one), then closes the control connection but keeps the
        // unread data connection open. The server must notice the control connection is gone.
        await using var server = await TestServer.StartAsync();
        await using (var big = File.Create(server.PathOf("big.bin")))
        {
            big.SetLength(BigFileSize);
        }

        Socket? stalled = null;
        try
        {
            await using (var ftp = await server.ConnectAsync())
            {
                await ftp.CommandAsync("TYPE I", 200);
                stalled = await ftp.OpenPassiveAsync();
                stalled.ReceiveBufferSize = 64 * 1024;
                await ftp.CommandAsync("RETR big.bin", 150);
                await stalled.ReceiveAsync(new byte[64 * 1024], SocketFlags.None);
                await ftp.SendAsync(queued);
                await Task.Delay(300);
            }

            await Probe.AssertNoSessionsAsync(server, TimeSpan.FromSeconds(20));
            Assert.Empty(Probe.OpenFilesUnder(server.Root));
        }
        finally
        {
            stalled?.Dispose();
        }
    }

    [Fact]
    [VerbTest("STOR")]
    public async Task A_client_that_stalls_an_upload_queues_a_command_and_leaves_does_not_pin_the_session_or_the_file()
    {
        // As above for uploads: the data connection stays open and silent, the control one closes.
        await using var server = await TestServer.StartAsync();
        Socket? stalled = null;
        try
        {
            await using (var ftp = await server.ConnectAsync())
            {
                await ftp.CommandAsync("TYPE I", 200);
                stalled = await ftp.OpenPassiveAsync();
                await ftp.CommandAsync("STOR upload.bin", 150);
                await stalled.SendAsync(new byte[10_000], SocketFlags.None);
                await ftp.SendAsync("PWD");
                await Task.Delay(300);
            }

            await Probe.AssertNoSessionsAsync(server, TimeSpan.FromSeconds(20));
            Assert.Empty(Probe.OpenFilesUnder(server.Root));
        }
        finally
        {
            stalled?.Dispose();
        }
    }

    [Fact]
    [VerbTest("NOOP")]
    public async Task A_client_that_never_reads_its_replies_does_not_survive_server_shutdown()
    {
        // Commands pour in while no reply is read: the server's writes block on full buffers.
        // Stopping the server must still end that session and close its socket.
        var server = await TestServer.StartAsync();
        var ftp = await server.ConnectAsync();
        using var stopSending = new CancellationTokenSource();
        var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("NOOP\r\n", 10_000)));
        var sending = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 2_000 && !stopSending.IsCancellationRequested; i++)
                {
                    await ftp.Socket.SendAsync(chunk, SocketFlags.None, stopSending.Token);
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        });

        try
        {
            // Wait until the server is stuck writing: the unread replies stop growing for a whole second.
            var stuck = false;
            var last = -1;
            var stable = 0;
            var wait = Stopwatch.StartNew();
            while (!stuck && wait.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
                var now = ftp.Socket.Available;
                stable = now == last && now > 0 ? stable + 1 : 0;
                last = now;
                stuck = stable >= 10;
            }

            Assert.True(stuck, $"the replies never stopped growing ({last} bytes unread)");

            var clock = Stopwatch.StartNew();
            await server.DisposeAsync();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"shutdown took {clock.Elapsed}");
            var sessions = server.Server.ActiveSessions;
            var (_, closedByServer) = await Probe.DrainAsync(ftp.Socket, TimeSpan.FromSeconds(3));
            Assert.True(sessions == 0 && closedByServer,
                $"after DisposeAsync ({clock.Elapsed}): {sessions} session(s) alive, control connection closed by the server: {closedByServer}");
        }
        finally
        {
            await stopSending.CancelAsync();
            Probe.Reset(ftp.Socket);
            await ftp.DisposeAsync();
            await sending.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_thousand_connect_and_close_cycles_leave_nothing_behind()
    {
        await using var server = await TestServer.StartAsync();
        for (var mode = 0; mode < 5; mode++)
        {
            await ConnectAndCloseAsync(server, mode);
        }

        await Probe.AssertNoSessionsAsync(server);
        await Task.Delay(200);
        var socketsBefore = Probe.OpenSockets();
        var fdsBefore = Probe.OpenFileDescriptors();

        var clock = Stopwatch.StartNew();
        var cycles = 0;
        for (; cycles < 1000 && clock.Elapsed < TimeSpan.FromSeconds(120); cycles++)
        {
            await ConnectAndCloseAsync(server, cycles % 5);
        }

        Assert.Equal(1000, cycles);
        await Probe.AssertNoSessionsAsync(server, TimeSpan.FromSeconds(30));
        await Probe.AssertSocketsBackAsync(socketsBefore, margin: 4);
        await Probe.AssertFileDescriptorsBackAsync(fdsBefore, margin: 16);

        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    [VerbTest("NOOP", "QUIT")]
    public async Task Five_hundred_concurrent_idle_sessions_all_work_and_close_cleanly()
    {
        const int count = 500;

        // All from 127.0.0.1: the per-address limits (50 sessions, 16 of them not logged in, by
        // default) are not what this test is about.
        await using var server = await TestServer.StartAsync(options =>
        {
            options.MaxSessionsPerAddress = 0;
            options.MaxUnauthenticatedSessionsPerAddress = 0;
        });
        var socketsBefore = Probe.OpenSockets();
        var sessions = new WireClient[count];
        using var gate = new SemaphoreSlim(50);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    sessions[i] = await server.ConnectAsync();
                }
                finally
                {
                    gate.Release();
                }
            })).WaitAsync(TimeSpan.FromSeconds(120));

            Assert.Equal(count, server.Server.ActiveSessions);
            await Task.Delay(500);

            // All still answer after idling, all at once.
            await Task.WhenAll(sessions.Select(async ftp =>
            {
                await ftp.CommandAsync("NOOP", 200);
                Assert.StartsWith("\"/\"", (await ftp.CommandAsync("PWD", 257)).Text, StringComparison.Ordinal);
            })).WaitAsync(TimeSpan.FromSeconds(60));

            await Task.WhenAll(sessions.Select(async ftp =>
            {
                await ftp.CommandAsync("QUIT", 221);
                Assert.True(await ftp.IsClosedByServerAsync(), "the server did not close after QUIT");
            })).WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            foreach (var ftp in sessions.Where(s => s is not null))
            {
                await ftp.DisposeAsync();
            }
        }

        await Probe.AssertNoSessionsAsync(server, TimeSpan.FromSeconds(30));
        await Probe.AssertSocketsBackAsync(socketsBefore, margin: 4);
    }

    private static async Task VanishDuringDownloadAsync(TestServer server, bool resetControlFirst)
    {
        var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("RETR big.bin", 150);
        var buffer = new byte[64 * 1024];
        var total = 0;
        while (total < 128 * 1024)
        {
            var read = await data.ReceiveAsync(buffer, SocketFlags.None);
            Assert.True(read > 0, "the download ended early");
            total += read;
        }

        ResetBoth(ftp, data, resetControlFirst);
        await ftp.DisposeAsync();
    }

    private static async Task VanishDuringUploadAsync(TestServer server, string name, bool resetControlFirst)
    {
        var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR " + name, 150);
        var chunk = new byte[64 * 1024];
        for (var i = 0; i < 4; i++)
        {
            await data.SendAsync(chunk, SocketFlags.None);
        }

        ResetBoth(ftp, data, resetControlFirst);
        await ftp.DisposeAsync();
    }

    private static void ResetBoth(WireClient ftp, Socket data, bool controlFirst)
    {
        if (controlFirst)
        {
            Probe.Reset(ftp.Socket);
            Probe.Reset(data);
        }
        else
        {
            Probe.Reset(data);
            Probe.Reset(ftp.Socket);
        }
    }

    private static async Task ConnectAndCloseAsync(TestServer server, int mode)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.EndPoint);
        var buffer = new byte[512];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        switch (mode)
        {
            case 0:
                // Connect and close at once (FIN), before the greeting is read.
                break;
            case 1:
                Probe.Reset(socket);
                return;
            case 2:
                await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                break;
            case 3:
                await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                await socket.SendAsync("QUIT\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
                var (reply, _) = await Probe.DrainAsync(socket, TimeSpan.FromSeconds(10));
                Assert.Contains("221", Encoding.ASCII.GetString(reply), StringComparison.Ordinal);
                break;
            default:
                await socket.SendAsync("USER alice\r\nPA"u8.ToArray(), SocketFlags.None, timeout.Token);
                Probe.Reset(socket);
                return;
        }

        socket.Shutdown(SocketShutdown.Both);
    }

    private static long CurrentWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
