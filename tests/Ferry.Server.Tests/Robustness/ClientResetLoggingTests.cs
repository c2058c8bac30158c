using System.Net.Sockets;
using Ferry.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Tests.Robustness;

/// <summary>
/// Issue 11 finding 10: a client that resets its connections mid-transfer is not a server fault.
/// It used to be an Error with a 4 KB stack trace (event 3002), which an attacker could repeat
/// at will; now the transfer's one Information record says how it ended, and nothing in the log
/// carries an exception.
/// </summary>
public sealed class ClientResetLoggingTests
{
    private const int BigFileSize = 50 * 1024 * 1024;

    [Theory]
    [InlineData("RETR", false)]
    [InlineData("RETR", true)]
    [InlineData("STOR", false)]
    [InlineData("STOR", true)]
    [VerbTest("RETR", "STOR")]
    public async Task A_reset_mid_transfer_is_one_information_record_without_a_stack_trace(string verb, bool resetControlFirst)
    {
        var log = new RecordingLog();
        await using var server = await TestServer.StartAsync(log: log);
        await using (var big = File.Create(server.PathOf("big.bin")))
        {
            big.SetLength(BigFileSize);
        }

        var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var data = await ftp.OpenPassiveAsync();
        var buffer = new byte[64 * 1024];
        if (verb == "RETR")
        {
            await ftp.CommandAsync("RETR big.bin", 150);
            for (var total = 0; total < 256 * 1024;)
            {
                var read = await data.ReceiveAsync(buffer, SocketFlags.None);
                Assert.True(read > 0, "the download ended early");
                total += read;
            }
        }
        else
        {
            await ftp.CommandAsync("STOR upload.bin", 150);
            for (var i = 0; i < 4; i++)
            {
                await data.SendAsync(buffer, SocketFlags.None);
            }
        }

        // Linger 0: close sends RST, as a client that crashes or is killed does.
        if (resetControlFirst)
        {
            Probe.Reset(ftp.Socket);
            Probe.Reset(data);
        }
        else
        {
            Probe.Reset(data);
            Probe.Reset(ftp.Socket);
        }

        await ftp.DisposeAsync();
        await Probe.AssertNoSessionsAsync(server);

        var faults = log.Entries.Where(entry => entry.Level >= LogLevel.Error || (entry.Exception is not null && entry.Level >= LogLevel.Information)).ToList();
        Assert.True(faults.Count == 0, "logged as a fault: " + string.Join(" | ", faults.Select(f => $"{f.EventId} {f.Level} {f.Message} {f.Exception?.GetType().Name}: {f.Exception?.Message}")));
        var transfer = Assert.Single(log.Entries, entry => entry.EventId == 3000);
        Assert.Equal(LogLevel.Information, transfer.Level);
        Assert.DoesNotContain("ok", transfer.Message.Split(", ")[^1], StringComparison.Ordinal);
    }
}
