using Ferry.Server.DataChannels;

namespace Ferry.Server.Connections;

/// <summary>The transfer running on a session: what STAT reports and what ABOR cancels.</summary>
internal sealed class DataTransfer : IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private long _bytes;

    public DataTransfer(string description) => Description = description;

    public string Description { get; }

    /// <summary>The transfer command (RETR, STOR, LIST, ...), for the admin API's sessions list.</summary>
    public string Verb { get; init; } = string.Empty;

    /// <summary>The file or folder, as the user sees it.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>Download, upload or listing.</summary>
    public Protocol.DataChannelUse Use { get; init; }

    /// <summary>When the transfer started (wall clock, for people).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>The data connection is protected (PROT P).</summary>
    public bool Tls { get; init; }

    public Task Completion { get; set; } = Task.CompletedTask;

    public CancellationToken AbortToken => _abort.Token;

    public bool AbortRequested => _abort.IsCancellationRequested;

    public long BytesTransferred => Interlocked.Read(ref _bytes);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    /// <summary>The rate limits this transfer obeys; null when none applies.</summary>
    public TransferThrottle? Throttle { get; init; }

    /// <summary>How many bytes an upload may take (its quota); null: no limit.</summary>
    public Quotas.IUploadAllowance? Allowance { get; set; }

    /// <summary>True when the watchdog ended the transfer because no byte moved for the stall timeout.</summary>
    public bool Stalled { get; private set; }

    /// <summary>
    /// Aborts a transfer that moved nothing for <paramref name="stallTimeout"/>, so a client that
    /// stops reading or sending cannot pin the session. Progress is checked every
    /// <see cref="StallCheckInterval"/>, so the abort comes at most that late (issue 11 finding
    /// 11: checking once per timeout let a stall run for up to twice the setting). One that waited
    /// for its rate limit, or waits now, is not stalled: the wait is ours, not the client's (with
    /// many sessions sharing a low server limit, or at a limit of a few KiB/s, one turn can take
    /// longer than the check interval).
    /// </summary>
    public ITimer StartWatchdog(TimeSpan stallTimeout, TimeProvider time)
    {
        var lastSeen = Progress;
        var lastProgressAt = time.GetTimestamp();
        var interval = StallCheckInterval(stallTimeout);
        return time.CreateTimer(_ =>
        {
            var now = Progress;
            if (now != lastSeen || Throttle is { IsWaiting: true })
            {
                lastSeen = now;
                lastProgressAt = time.GetTimestamp();
            }
            else if (time.GetElapsedTime(lastProgressAt) >= stallTimeout)
            {
                Stalled = true;
                Abort();
            }
        }, null, interval, interval);
    }

    /// <summary>How often the watchdog looks: a tenth of the stall timeout, at most a second, so a stall is noticed at most 1 s (or 10%) late.</summary>
    public static TimeSpan StallCheckInterval(TimeSpan stallTimeout) =>
        TimeSpan.FromTicks(Math.Clamp(stallTimeout.Ticks / 10, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond));

    /// <summary>Bytes moved plus rate-limit waits: anything that shows the transfer is not stuck on the client.</summary>
    private long Progress => BytesTransferred + (Throttle?.WaitEvents ?? 0);

    public void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Throttle?.Dispose();
        _abort.Dispose();
    }
}
