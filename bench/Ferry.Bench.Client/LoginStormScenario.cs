using System.Diagnostics;

namespace Ferry.Bench.Client;

/// <summary>
/// Workers each loop connect, USER, PASS, QUIT until the time is up: whole sessions per second,
/// the cost a server pays per login (accept, fork or not, password hash, teardown).
/// </summary>
internal static class LoginStormScenario
{
    public static async Task<Dictionary<string, object?>> RunAsync(BenchTarget target, int workers, TimeSpan duration)
    {
        var latencies = new List<double>[workers];
        var failures = new int[workers];
        var errors = new List<string>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            var own = latencies[worker] = [];
            while (clock.Elapsed < duration)
            {
                var started = clock.Elapsed.TotalSeconds;
                try
                {
                    // 5 s without a greeting is a failed login (an overflowed accept queue, see
                    // BenchTarget); the worker goes on with a new connection.
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await using var control = await FtpControlConnection.ConnectAsync(target.EndPoint, timeout.Token);
                    await control.LoginAsync(target.User, target.Password, timeout.Token);
                    await control.ExpectAsync("QUIT", 221, timeout.Token);
                    own.Add(clock.Elapsed.TotalSeconds - started);
                }
                catch (Exception error)
                {
                    failures[worker]++;
                    lock (errors)
                    {
                        errors.Add(error.Message);
                    }
                }
            }
        }));
        var wall = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(list => list).ToList();
        return new Dictionary<string, object?>
        {
            ["workers"] = workers,
            ["logins"] = all.Count,
            ["failures"] = failures.Sum(),
            ["errors"] = errors.Distinct().Take(5).ToList(),
            ["wall_s"] = wall,
            ["sessions_per_s"] = all.Count / wall,
            ["p50_s"] = Samples.Percentile(all, 50),
            ["p99_s"] = Samples.Percentile(all, 99),
        };
    }
}
