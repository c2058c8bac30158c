using Ferry.Server.DataChannels;

namespace Ferry.Server.Connections;

/// <summary>
/// Where the rate limits of one server live: the two server-wide buckets, and the per-user
/// buckets shared by every running transfer of one user name. A user's bucket exists only while
/// one of that user's transfers runs (counted in and out per transfer, the count paired with the
/// throttle's Dispose in the transfer's finally), so memory follows running transfers, not every
/// user ever seen. A bucket made anew starts without credit (see <see cref="RateBucket"/>), so
/// dropping it between transfers lets nothing through unthrottled.
/// </summary>
internal sealed class RateLimitRegistry
{
    private FtpServerOptions _options;
    private readonly TimeProvider _time;
    private RateBucket? _serverDownload;
    private RateBucket? _serverUpload;
    private readonly Dictionary<(string User, TransferDirection Direction), SharedBucket> _users = [];
    private readonly Lock _lock = new();

    public RateLimitRegistry(FtpServerOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _serverDownload = options.ServerDownloadRateLimit > 0 ? new RateBucket(options.ServerDownloadRateLimit, time) : null;
        _serverUpload = options.ServerUploadRateLimit > 0 ? new RateBucket(options.ServerUploadRateLimit, time) : null;
    }

    /// <summary>
    /// A reload: the next transfers get the new limits. A server-wide bucket whose rate changed is
    /// made anew (running transfers keep the one they hold); per-user buckets follow their users'
    /// next transfers.
    /// </summary>
    public void Reconfigure(FtpServerOptions options)
    {
        if (options.ServerDownloadRateLimit != _options.ServerDownloadRateLimit)
        {
            _serverDownload = options.ServerDownloadRateLimit > 0 ? new RateBucket(options.ServerDownloadRateLimit, _time) : null;
        }

        if (options.ServerUploadRateLimit != _options.ServerUploadRateLimit)
        {
            _serverUpload = options.ServerUploadRateLimit > 0 ? new RateBucket(options.ServerUploadRateLimit, _time) : null;
        }

        _options = options;
    }

    /// <summary>User buckets alive now (one per user and direction with a running throttled transfer).</summary>
    public int UserBucketCount
    {
        get
        {
            lock (_lock)
            {
                return _users.Count;
            }
        }
    }

    /// <summary>
    /// The throttle for one transfer of <paramref name="userName"/>; null when no limit applies (no
    /// cost at all). The per-session limit comes from the session's own settings
    /// (<paramref name="sessionOptions"/>: a reload does not change a running session's); the per-user
    /// and server-wide buckets are shared, so they follow the settings in force. The account's own
    /// limit (<paramref name="ownRate"/>, from the user store: set through the admin API) wins over
    /// both UserRateLimits and the server-wide per-session limit; null leaves them in force.
    /// </summary>
    public TransferThrottle? ForTransfer(string userName, TransferDirection direction, FtpServerOptions sessionOptions, long? ownRate = null)
    {
        var download = direction == TransferDirection.Download;
        var sessionRate = ownRate ?? SessionRate(sessionOptions, userName, direction);
        var userRate = download ? _options.UserDownloadRateLimit : _options.UserUploadRateLimit;
        var server = download ? _serverDownload : _serverUpload;
        if (sessionRate == 0 && userRate == 0 && server is null)
        {
            return null;
        }

        var session = sessionRate > 0 ? new RateBucket(sessionRate, _time, RateBucket.TransferCatchUp) : null;
        RateBucket? user = null;
        Action? release = null;
        if (userRate > 0)
        {
            var key = (userName, direction);
            user = Enter(key, userRate);
            release = () => Leave(key);
        }

        return new TransferThrottle(session, user, server, _time, release);
    }

    /// <summary>The per-session limit: the user's own entry in UserRateLimits if it has one for this direction, else the server-wide one.</summary>
    private static long SessionRate(FtpServerOptions session, string userName, TransferDirection direction)
    {
        var own = session.UserRateLimits.GetValueOrDefault(userName);
        return direction == TransferDirection.Download
            ? own?.Download ?? session.DownloadRateLimit
            : own?.Upload ?? session.UploadRateLimit;
    }

    private RateBucket Enter((string User, TransferDirection Direction) key, long rate)
    {
        lock (_lock)
        {
            if (!_users.TryGetValue(key, out var shared))
            {
                // Made at the user's first running transfer and dropped after the last, so like a
                // transfer's own bucket it starts without credit and can only fall behind by lag.
                shared = new SharedBucket(new RateBucket(rate, _time, RateBucket.TransferCatchUp));
                _users.Add(key, shared);
            }

            shared.Transfers++;
            return shared.Bucket;
        }
    }

    private void Leave((string User, TransferDirection Direction) key)
    {
        lock (_lock)
        {
            if (_users.TryGetValue(key, out var shared) && --shared.Transfers == 0)
            {
                _users.Remove(key);
            }
        }
    }

    private sealed class SharedBucket(RateBucket bucket)
    {
        public RateBucket Bucket { get; } = bucket;

        public int Transfers { get; set; }
    }
}
