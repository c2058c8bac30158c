namespace Ferry.Server.DataChannels;

/// <summary>
/// The rate limits one transfer obeys: up to three <see cref="RateBucket"/>s, narrowest first
/// (session, user, server). The copy loops ask it for each chunk before moving it; an unlimited
/// transfer has no throttle at all (null), so it costs nothing. Disposing it releases the user's
/// shared bucket.
/// </summary>
internal sealed class TransferThrottle : IDisposable
{
    private readonly RateBucket[] _buckets;
    private readonly TimeProvider _time;
    private Action? _release;
    private volatile bool _waiting;
    private long _waitEvents;
    private long _waitedTicks;

    public TransferThrottle(RateBucket? session, RateBucket? user, RateBucket? server, TimeProvider time, Action? release)
    {
        _buckets = new[] { session, user, server }.OfType<RateBucket>().ToArray();
        ArgumentOutOfRangeException.ThrowIfZero(_buckets.Length);
        SessionRate = session?.BytesPerSecond ?? 0;
        UserRate = user?.BytesPerSecond ?? 0;
        ServerRate = server?.BytesPerSecond ?? 0;
        _time = time;
        _release = release;
        ChunkSize = _buckets.Min(bucket => bucket.ChunkBytes);
    }

    /// <summary>The limits that apply, bytes/s (0: that one does not), for the log and STAT.</summary>
    public long SessionRate { get; }

    public long UserRate { get; }

    public long ServerRate { get; }

    /// <summary>
    /// The most bytes to move per request: about 100 ms at the narrowest limit, so a chunk never
    /// outruns the burst, sessions sharing a bucket take turns often, and ABOR is seen between chunks.
    /// </summary>
    public int ChunkSize { get; }

    /// <summary>
    /// True while the transfer waits for its limit: the stall watchdog must not take that for a
    /// client that stopped (a throttled transfer is moving slowly, not stalled).
    /// </summary>
    public bool IsWaiting => _waiting;

    /// <summary>Counts every start and end of a wait: progress of ours the watchdog can see between two checks.</summary>
    public long WaitEvents => Interlocked.Read(ref _waitEvents);

    /// <summary>Waits so far (each one started and ended), for the metrics at the transfer's end.</summary>
    public long Waits => WaitEvents / 2;

    /// <summary>Time spent waiting so far, for the metrics at the transfer's end.</summary>
    public TimeSpan WaitedTime => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

    /// <summary>
    /// Waits until <paramref name="bytes"/> may move under every limit. Buckets are asked one after
    /// the other, the shared ones last, so a shared bucket's share is taken just before the bytes
    /// move rather than while this transfer still waits for its own limit. Cancelled (ABOR, stall,
    /// shutdown), the unused reservations are given back.
    /// </summary>
    public ValueTask WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            var delay = _buckets[i].Reserve(bytes);
            if (delay > TimeSpan.Zero)
            {
                return WaitFromAsync(i, delay, bytes, cancellationToken);
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();

    private async ValueTask WaitFromAsync(int index, TimeSpan delay, int bytes, CancellationToken cancellationToken)
    {
        _waiting = true;
        Interlocked.Increment(ref _waitEvents);
        var since = _time.GetTimestamp();
        try
        {
            while (true)
            {
                try
                {
                    await Task.Delay(delay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    for (var i = 0; i <= index; i++)
                    {
                        _buckets[i].Refund(bytes);
                    }

                    throw;
                }

                do
                {
                    if (++index == _buckets.Length)
                    {
                        return;
                    }

                    delay = _buckets[index].Reserve(bytes);
                }
                while (delay <= TimeSpan.Zero);
            }
        }
        finally
        {
            _waiting = false;
            Interlocked.Add(ref _waitedTicks, _time.GetElapsedTime(since).Ticks);
            Interlocked.Increment(ref _waitEvents);
        }
    }
}
