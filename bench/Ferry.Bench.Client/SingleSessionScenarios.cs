using System.Diagnostics;

namespace Ferry.Bench.Client;

/// <summary>Scenarios of one session: repeated listings of a big folder, and many small files stored then read.</summary>
internal static class SingleSessionScenarios
{
    public static async Task<Dictionary<string, object?>> ListingAsync(BenchTarget target, string verb, string path, int repeat, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await using var control = await target.LoginAsync(timeout.Token);
        var milliseconds = new List<double>();
        long bytes = 0;
        for (var round = 0; round < repeat; round++)
        {
            var clock = Stopwatch.StartNew();
            bytes = await DataTransfers.ReceiveAsync(control, $"{verb} {path}", timeout.Token);
            milliseconds.Add(clock.Elapsed.TotalMilliseconds);
        }

        await control.CommandAsync("QUIT", timeout.Token);
        return new Dictionary<string, object?>
        {
            ["verb"] = verb,
            ["bytes"] = bytes,
            ["median_ms"] = Samples.Percentile(milliseconds, 50),
            ["samples_ms"] = milliseconds,
        };
    }

    public static async Task<Dictionary<string, object?>> SmallFilesAsync(BenchTarget target, string folder, int count, int size, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var token = timeout.Token;
        await using var control = await target.LoginAsync(token);
        var clock = Stopwatch.StartNew();
        for (var index = 0; index < count; index++)
        {
            await DataTransfers.StoreAsync(control, $"{folder}/f{index:D5}", size, token);
        }

        var storeSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (var index = 0; index < count; index++)
        {
            var received = await DataTransfers.ReceiveAsync(control, $"RETR {folder}/f{index:D5}", token);
            if (received != size)
            {
                throw new FtpProtocolException($"f{index:D5}: received {received} bytes, expected {size}");
            }
        }

        var retrieveSeconds = clock.Elapsed.TotalSeconds;
        await control.CommandAsync("QUIT", token);
        return new Dictionary<string, object?>
        {
            ["files"] = count,
            ["bytes_each"] = size,
            ["stor_files_per_s"] = count / storeSeconds,
            ["retr_files_per_s"] = count / retrieveSeconds,
            ["files_per_s"] = 2 * count / (storeSeconds + retrieveSeconds),
        };
    }
}
