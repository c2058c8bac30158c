using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ferry.Server.Tests.Support;
using Ferry.Storage.S3;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>A profile whose store does not answer: no engine needed, a closed port on 127.0.0.1 is the store.</summary>
public sealed class S3UnreachableStoreTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>How long after a refusal its data connection may stay open.</summary>
    private static readonly TimeSpan DataBound = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Issue 16: an unreachable store is 451 (RFC 959 §4.2: transient, try again) or 550 with a
    /// message that says so, never the SDK's or the OS's words, and never a hang: each reply within
    /// a bound (the SDK's retries included), and a data connection the client opened for the
    /// command closed with the refusal, as for any refused transfer, or the client waits on it.
    /// Every command is tried and every problem reported together.
    /// </summary>
    [Fact]
    public async Task An_unreachable_store_gives_451_or_550_with_a_clear_message_and_no_hang()
    {
        // Bound, never listening: connections to it are refused, and no one else can take the port meanwhile.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)closed.LocalEndPoint!).Port;
        using var factory = new S3FileSystemFactory(new S3StorageOptions
        {
            Endpoint = $"http://127.0.0.1:{port}",
            AccessKey = "ferry",
            SecretKey = "unused-secret",
            Bucket = "ferry-unreachable",
        });
        await using var server = await TestServer.StartAsync(factory);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var problems = new List<string>();

        foreach (var command in new[] { "LIST", "NLST", "MLSD", "LIST folder", "MLSD folder", "RETR file.bin", "STOR file.bin", "APPE file.bin", "STOU" })
        {
            var clock = Stopwatch.StartNew();
            using var data = await ftp.OpenPassiveAsync();
            await ftp.SendAsync(command);
            var reply = await ftp.ReadReplyAsync();
            var replied = clock.Elapsed;
            if (reply.Code == 150)
            {
                // Refused once the transfer began: the data connection ends, then the refusal.
                await data.SendAsync("x"u8.ToArray(), SocketFlags.None);
                data.Shutdown(SocketShutdown.Send);
            }

            var (_, ended) = await Robustness.Probe.DrainAsync(data, DataBound);
            if (!ended)
            {
                problems.Add($"{command}: the data connection was left open {DataBound.TotalSeconds:0} s after the reply {reply}");
            }

            Check(command, reply.Code == 150 ? await ftp.ReadReplyAsync() : reply, reply.Code == 150 ? clock.Elapsed : replied, problems);
        }

        foreach (var command in new[] { "SIZE file.bin", "MDTM file.bin", "MLST file.bin", "CWD folder", "MKD folder", "RMD folder", "DELE file.bin" })
        {
            var clock = Stopwatch.StartNew();
            await ftp.SendAsync(command);
            Check(command, await ftp.ReadReplyAsync(), clock.Elapsed, problems);
        }

        await ftp.CommandAsync("NOOP", 200);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static void Check(string command, FtpReplyText reply, TimeSpan took, List<string> problems)
    {
        if (reply.Code is not (451 or 550) || !reply.Text.Contains("unreachable", StringComparison.OrdinalIgnoreCase)
            || reply.Text.Contains("Exception", StringComparison.Ordinal) || reply.Text.Contains("127.0.0.1", StringComparison.Ordinal))
        {
            problems.Add($"{command}: expected 451 or 550 saying the storage is unreachable, got: {reply}");
        }

        if (took > Bound)
        {
            problems.Add($"{command}: the reply took {took}");
        }
    }
}
