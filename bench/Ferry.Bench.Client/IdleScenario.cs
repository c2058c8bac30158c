using System.Text.Json;

namespace Ferry.Bench.Client;

/// <summary>
/// Opens N logged-in sessions and holds them: prints one JSON line when they are up, waits for a
/// line on standard input (the runner measures the server's memory meanwhile), then sends NOOP on
/// each to count the sessions the server really kept, and closes them.
/// </summary>
internal static class IdleScenario
{
    // Below vsftpd's listen backlog of 32, so its accept queue never overflows while sessions open.
    private const int ConcurrentLogins = 16;

    public static async Task<Dictionary<string, object?>> RunAsync(BenchTarget target, int sessions, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var token = timeout.Token;
        var open = new FtpControlConnection?[sessions];
        var errors = new List<string>();
        using var gate = new SemaphoreSlim(ConcurrentLogins);
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(async index =>
        {
            await gate.WaitAsync(token);
            try
            {
                open[index] = await target.LoginAsync(token);
            }
            catch (Exception error)
            {
                lock (errors)
                {
                    errors.Add(error.Message);
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        var opened = open.Count(control => control is not null);
        Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["event"] = "held", ["opened"] = opened }));
        await Console.Out.FlushAsync(token);
        await Console.In.ReadLineAsync(token);

        var alive = 0;
        await Task.WhenAll(open.Where(control => control is not null).Select(async control =>
        {
            try
            {
                await gate.WaitAsync(token);
                try
                {
                    var reply = await control!.CommandAsync("NOOP", token);
                    if (reply.Code == 200)
                    {
                        Interlocked.Increment(ref alive);
                    }
                }
                finally
                {
                    gate.Release();
                }
            }
            catch (Exception)
            {
                // A session the server dropped while idle is what "held" counts; nothing to report.
            }
            finally
            {
                await control!.DisposeAsync();
            }
        }));

        return new Dictionary<string, object?>
        {
            ["sessions"] = sessions,
            ["opened"] = opened,
            ["held"] = alive,
            ["errors"] = errors.Distinct().Take(5).ToList(),
        };
    }
}
