using Ferry.Hosting;
using Microsoft.Extensions.Hosting;

namespace Ferry.Administration;

/// <summary>
/// The last five minutes of throughput, one point a second, so a page opened now draws its chart
/// with history (GET /api/throughput) and the live stream carries the current rates. A sample
/// is the growth of every running transfer's byte count since the previous sample (the engine's
/// snapshots); a transfer that starts and ends between two samples is not seen, so short
/// transfers are undercounted: the chart shows sustained traffic, which is what an admin watches.
/// </summary>
internal sealed class ThroughputHistory(FtpServerService ftp, TimeProvider time) : BackgroundService
{
    /// <summary>Five minutes of seconds.</summary>
    public const int Capacity = 300;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Queue<ThroughputPoint> _points = new(Capacity);
    private readonly Lock _lock = new();
    private Dictionary<(long Session, DateTimeOffset Started), long> _previous = [];
    private DateTimeOffset _previousAt;

    public IReadOnlyList<ThroughputPoint> Points
    {
        get
        {
            lock (_lock)
            {
                return [.. _points];
            }
        }
    }

    /// <summary>The newest point, or zero rates before the first.</summary>
    public ThroughputPoint Latest
    {
        get
        {
            lock (_lock)
            {
                return _points.Count > 0 ? _points.Last() : new ThroughputPoint(time.GetUtcNow(), 0, 0);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        _previousAt = time.GetUtcNow();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Sample();
        }
    }

    private void Sample()
    {
        if (ftp.Server is not { } server)
        {
            return;
        }

        var now = time.GetUtcNow();
        var seconds = Math.Max((now - _previousAt).TotalSeconds, 0.001);
        var current = new Dictionary<(long, DateTimeOffset), long>();
        double upload = 0, download = 0;
        foreach (var session in server.ListSessions())
        {
            if (session.Transfer is not { } transfer || transfer.Direction == "listing")
            {
                continue;
            }

            var key = (session.Id, transfer.StartedAt);
            current[key] = transfer.Bytes;
            var grown = transfer.Bytes - _previous.GetValueOrDefault(key);
            if (transfer.Direction == "upload")
            {
                upload += grown;
            }
            else
            {
                download += grown;
            }
        }

        _previous = current;
        _previousAt = now;
        lock (_lock)
        {
            if (_points.Count == Capacity)
            {
                _points.Dequeue();
            }

            _points.Enqueue(new ThroughputPoint(now, upload / seconds, download / seconds));
        }
    }
}
