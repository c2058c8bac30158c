using Ferry.Server.DataChannels;

namespace Ferry.Server.Connections;

/// <summary>The transfer running on a session: what STAT reports and what ABOR cancels.</summary>
internal sealed class DataTransfer : IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private long _bytes;

    public DataTransfer(string description) => Description = description;

    public string Description { get; }

    public Task Completion { get; set; } = Task.CompletedTask;

    public CancellationToken AbortToken => _abort.Token;

    public bool AbortRequested => _abort.IsCancellationRequested;

    public long BytesTransferred => Interlocked.Read(ref _bytes);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    /// <summary>The rate limits this transfer obeys; null when none applies.</summary>
    public TransferThrottle? Throttle { get; init; }

    /// <summary>True when the watchdog ended the transfer because no byte moved for the stall timeout.</summary>
    public bool Stalled { get; private set; }

    /// <summary>
    /// Checks progress every <paramref name="stallTimeout"/>; a transfer that moved nothing since
    /// the last check is aborted, so a client that stops reading or sending cannot pin the session.
    /// One that waited for its rate limit since the last check, or waits now, is not stalled: the
    /// wait is ours, not the client's (with many sessions sharing a low server limit, or at a
    /// limit of a few KiB/s, one turn can take longer than the check interval).
    /// </summary>
    public ITimer StartWatchdog(TimeSpan stallTimeout, TimeProvider time)
    {
        var lastSeen = -1L;
        return time.CreateTimer(_ =>
        {
            var now = BytesTransferred + (Throttle?.WaitEvents ?? 0);
            if (now == lastSeen && Throttle is not { IsWaiting: true })
            {
                Stalled = true;
                Abort();
            }

            lastSeen = now;
        }, null, stallTimeout, stallTimeout);
    }

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
