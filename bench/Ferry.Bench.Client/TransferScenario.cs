using System.Diagnostics;

namespace Ferry.Bench.Client;

/// <summary>
/// N clients log in, wait at one barrier, then each RETRs (or STORs) one file at once: the
/// aggregate rate is all bytes over the time from the barrier to the last 226, and each client's
/// completion time (barrier to its own 226) gives p50/p99.
/// </summary>
internal static class TransferScenario
{
    private const int ConcurrentLogins = 16;

    public static async Task<Dictionary<string, object?>> RunAsync(BenchTarget target, string operation, int clients, string path, long size, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var token = timeout.Token;
        // Logins are not what this measures: a few at a time, so no accept queue overflows.
        using var gate = new SemaphoreSlim(ConcurrentLogins);
        var sessions = await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            await gate.WaitAsync(token);
            try
            {
                return await target.LoginAsync(token);
            }
            finally
            {
                gate.Release();
            }
        }));
        var completions = new double[clients];
        var errors = new List<string>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(sessions.Select(async (control, index) =>
        {
            try
            {
                if (operation == "retr")
                {
                    var received = await DataTransfers.ReceiveAsync(control, $"RETR {path}", token);
                    if (received != size)
                    {
                        throw new FtpProtocolException($"received {received} bytes, expected {size}");
                    }
                }
                else
                {
                    await DataTransfers.StoreAsync(control, $"{path}.{index}", size, token);
                }

                completions[index] = clock.Elapsed.TotalSeconds;
            }
            catch (Exception error)
            {
                completions[index] = double.NaN;
                lock (errors)
                {
                    errors.Add(error.Message);
                }
            }
        }));
        var wall = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(sessions.Select(QuitAsync));
        var done = completions.Where(double.IsFinite).ToList();
        return new Dictionary<string, object?>
        {
            ["operation"] = operation,
            ["clients"] = clients,
            ["bytes_each"] = size,
            ["completed"] = done.Count,
            ["errors"] = errors.Distinct().Take(5).ToList(),
            ["wall_s"] = wall,
            ["aggregate_mb_s"] = done.Count * (double)size / 1e6 / wall,
            ["p50_s"] = Samples.Percentile(done, 50),
            ["p99_s"] = Samples.Percentile(done, 99),
            ["completions_s"] = done,
        };
    }

    private static async Task QuitAsync(FtpControlConnection control)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await control.CommandAsync("QUIT", timeout.Token);
        }
        catch (Exception)
        {
            // The result is already measured; a session that cannot say goodbye changes nothing.
        }
        finally
        {
            await control.DisposeAsync();
        }
    }
}
