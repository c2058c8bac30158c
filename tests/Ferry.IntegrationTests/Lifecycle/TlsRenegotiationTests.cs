using System.Diagnostics;
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
            var target = RenegotiatingClient.Target(implicitTls ? server.Server.ImplicitTlsEndPoint!.Port : server.Port, implicitTls);

            // A few first, so descriptors the runtime opens lazily are in the baseline.
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await RenegotiatingClient.RequestOnceAsync(target), "s_client never said RENEGOTIATING");
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
                    return clock.Elapsed < TimeSpan.FromSeconds(240) && await RenegotiatingClient.RequestOnceAsync(target);
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
            await using var lingering = await RenegotiatingClient.StartAsync(target);
            Assert.True(lingering is not null, "s_client never said RENEGOTIATING");
            var stop = Stopwatch.StartNew();
            await server.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(stop.Elapsed < FtpServer.StopDeadline + TimeSpan.FromSeconds(3), $"StopAsync took {stop.Elapsed} (deadline {FtpServer.StopDeadline})");
            Assert.Equal(0, server.Server.ActiveSessions);
        }
        finally
        {
            await server.DisposeAsync();
        }
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
