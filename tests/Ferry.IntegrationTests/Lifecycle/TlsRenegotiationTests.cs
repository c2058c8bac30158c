using System.Diagnostics;
using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Lifecycle;

/// <summary>
/// Issue 11 finding 1: `openssl s_client -tls1_2` then `R` (a TLS 1.2 renegotiation request)
/// before login. The server refuses it (SSL_OP_NO_RENEGOTIATION, see TlsRenegotiation) and, whatever
/// the TLS layer throws, releases the connection; stopping the server completes within its deadline.
/// </summary>
[Collection(DescriptorCountingCollection.Name)]
public sealed class TlsRenegotiationTests
{
    private const int Attempts = 200;
    private const int Parallel = 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_hundred_renegotiation_requests_leave_no_descriptor_or_session_and_stop_completes_within_its_deadline(bool implicitTls)
    {
        var server = await TestServer.StartAsync(options =>
        {
            options.ImplicitTls = implicitTls;
            options.ImplicitTlsPort = 0;
            options.MaxSessionsPerAddress = 0;
            options.MaxUnauthenticatedSessionsPerAddress = 0; // parallel attempts from one address, none of which logs in
        });
        try
        {
            string[] target = implicitTls
                ? ["-connect", "127.0.0.1:" + server.Server.ImplicitTlsEndPoint!.Port.ToString(CultureInfo.InvariantCulture)]
                : ["-starttls", "ftp", "-connect", "127.0.0.1:" + server.Port.ToString(CultureInfo.InvariantCulture)];

            // A few first, so descriptors the runtime opens lazily are in the baseline.
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await RequestRenegotiationAsync(target), "s_client never said RENEGOTIATING");
            }

            await WaitForAsync(() => server.Server.ActiveSessions == 0, TimeSpan.FromSeconds(30));
            var sessionsBefore = server.Server.ActiveSessions;
            var fdsBefore = OpenFileDescriptors();

            using var gate = new SemaphoreSlim(Parallel);
            var clock = Stopwatch.StartNew();
            var results = await Task.WhenAll(Enumerable.Range(0, Attempts).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    return clock.Elapsed < TimeSpan.FromSeconds(240) && await RequestRenegotiationAsync(target);
                }
                finally
                {
                    gate.Release();
                }
            }));
            Assert.Equal(Attempts, results.Count(renegotiated => renegotiated));

            var sessionsBack = await WaitForAsync(() => server.Server.ActiveSessions == sessionsBefore, TimeSpan.FromSeconds(30));
            Assert.True(sessionsBack, $"ActiveSessions {server.Server.ActiveSessions} after {Attempts} renegotiation requests, {sessionsBefore} before");
            var fdsBack = await WaitForAsync(() => OpenFileDescriptors() <= fdsBefore + 16, TimeSpan.FromSeconds(30));
            Assert.True(fdsBack, $"{OpenFileDescriptors()} descriptors after {Attempts} renegotiation requests, {fdsBefore} before: {DescribeDescriptors()}");

            // One more whose client stays connected through the stop: the stop must not wait for it for ever.
            using var lingering = StartSClient(target);
            Assert.True(await WaitForRenegotiatingAsync(lingering), "s_client never said RENEGOTIATING");
            var stop = Stopwatch.StartNew();
            await server.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(stop.Elapsed < FtpServer.StopDeadline + TimeSpan.FromSeconds(3), $"StopAsync took {stop.Elapsed} (deadline {FtpServer.StopDeadline})");
            Assert.Equal(0, server.Server.ActiveSessions);
            await KillAsync(lingering);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>One s_client that completes its handshake, asks to renegotiate, and is killed shortly after the request went out.</summary>
    private static async Task<bool> RequestRenegotiationAsync(string[] target)
    {
        using var process = StartSClient(target);
        try
        {
            var renegotiating = await WaitForRenegotiatingAsync(process);

            // Let the ClientHello reach the server before the client goes away.
            await Task.Delay(200);
            return renegotiating;
        }
        finally
        {
            await KillAsync(process);
        }
    }

    private static Process StartSClient(string[] target)
    {
        var start = new ProcessStartInfo("openssl")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["s_client", "-tls1_2", "-servername", "localhost", .. target])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();

        // s_client reads its stdin once the handshake is done; "R" alone on a line asks for
        // renegotiation, which blocks s_client until the server answers (it never reads the EOF).
        process.StandardInput.WriteLine("R");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>s_client writes "RENEGOTIATING" to stderr right before it sends the new ClientHello.</summary>
    private static async Task<bool> WaitForRenegotiatingAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("RENEGOTIATING", StringComparison.Ordinal))
                {
                    _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return false;
    }

    private static async Task KillAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();

        // Process.Dispose leaves redirected streams that were read to the finalizer: close them
        // here, or the pipes count as descriptors this test leaked.
        process.StandardOutput.Dispose();
        process.StandardError.Dispose();
    }

    private static int OpenFileDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>What the open descriptors are, by kind ("socket", "pipe", "/path"), for a failure message.</summary>
    private static string DescribeDescriptors() => string.Join(", ", Directory.GetFiles("/proc/self/fd")
        .Select(fd =>
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget ?? "?";
                return target.Split(':')[0];
            }
            catch (IOException)
            {
                return "?";
            }
        })
        .GroupBy(kind => kind)
        .OrderByDescending(group => group.Count())
        .Take(6)
        .Select(group => $"{group.Count()} {group.Key}"));

    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout)
        {
            await Task.Delay(50);
        }

        return condition();
    }
}
