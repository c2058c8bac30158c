namespace Ferry.Server.DataChannels;

/// <summary>
/// One byte-rate limit, kept as a schedule rather than a token count (the "virtual scheduling"
/// form of a token bucket, GCRA, ITU-T I.371): each reservation moves the time at which every
/// byte reserved so far is due by count/rate, and a caller waits until its bytes are due, less
/// <see cref="Burst"/>. Because the schedule is absolute, a timer that fires late makes the next
/// wait shorter: no drift, whatever the timer resolution. Callers are served in the order they
/// reserve (oldest first), so sessions sharing a bucket get equal shares chunk by chunk. Time
/// comes from the server's <see cref="TimeProvider"/>, so tests can drive it with a fake clock.
/// </summary>
internal sealed class RateBucket
{
    /// <summary>
    /// How far ahead of the schedule bytes may go, for buckets that outlive their transfers (the
    /// server-wide ones): 100 ms worth. Small, so that even a 2 s transfer is within a few percent of
    /// size/rate, and a bucket idle for a while gives no more than this as a head start.
    /// </summary>
    public static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The tolerance of a bucket that lives only while its transfers run (the per-session limit,
    /// and a user's, dropped after that user's last transfer): 1 s. It starts
    /// without credit, so it can only fall behind by the transfer's own lateness (a busy machine,
    /// a client that paused); letting it catch up to a second keeps the average over a few seconds
    /// at the limit instead of losing every hiccup longer than <see cref="Burst"/>.
    /// </summary>
    public static readonly TimeSpan TransferCatchUp = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly double _ticksPerByte;
    private readonly long _burstTicks;
    private long _due;

    /// <param name="bytesPerSecond">The limit.</param>
    /// <param name="time">The server's clock.</param>
    /// <param name="tolerance">How far ahead of the schedule bytes may go; <see cref="Burst"/> when not given.</param>
    public RateBucket(long bytesPerSecond, TimeProvider time, TimeSpan? tolerance = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        BytesPerSecond = bytesPerSecond;
        _time = time;
        _ticksPerByte = (double)time.TimestampFrequency / bytesPerSecond;
        _burstTicks = (long)((tolerance ?? Burst).TotalSeconds * time.TimestampFrequency);

        // A new bucket starts without credit: buckets are made per transfer (per session limit)
        // or per first transfer of a user, so a fresh burst each time would let many small
        // transfers run unthrottled. The first chunk therefore waits its own time.
        _due = time.GetTimestamp() + _burstTicks;
    }

    public long BytesPerSecond { get; }

    /// <summary>The bytes one reservation should cover: 100 ms at this rate (1 KiB at least).</summary>
    public int ChunkBytes => (int)Math.Clamp(BytesPerSecond / 10, 1024, int.MaxValue);

    /// <summary>Reserves <paramref name="count"/> bytes and returns how long to wait before moving them.</summary>
    public TimeSpan Reserve(long count)
    {
        var cost = Cost(count);
        long wait;
        lock (_lock)
        {
            var now = _time.GetTimestamp();

            // A schedule in the past means the bucket sat idle or fell behind: credit stops at the tolerance.
            _due = Math.Max(_due, now) + cost;
            wait = _due - _burstTicks - now;
        }

        return wait <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)wait / _time.TimestampFrequency);
    }

    /// <summary>Gives back a reservation whose bytes will not move (the transfer was aborted while it waited).</summary>
    public void Refund(long count)
    {
        var cost = Cost(count);
        lock (_lock)
        {
            _due -= cost;
        }
    }

    private long Cost(long count) => (long)Math.Ceiling(count * _ticksPerByte);
}
