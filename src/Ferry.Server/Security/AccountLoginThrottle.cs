namespace Ferry.Server.Security;

/// <summary>
/// Slows password guessing against one account from many addresses, which per-address bans
/// cannot see (50 addresses checked 1,000 passwords of one account in 26 s: issue 11, finding 4).
/// Each account name has a turn schedule: once its failed logins within
/// <see cref="FtpServerOptions.BanWindow"/>, plus its checks in progress, reach
/// <see cref="FreeFailures"/>, each further check starts at least a delay after the previous one,
/// 250 ms doubling per failure up to <see cref="FtpServerOptions.AccountLoginThrottleMaxDelay"/>;
/// an attempt whose turn would come later than that is refused without a check. The schedule
/// bounds the checks per second against the account however many addresses guess, where a
/// per-attempt pause would not (parallel attempts would all pause at once). Counting checks in
/// progress keeps a burst of simultaneous guesses from all starting before the first failure is
/// known. The owner is not locked out: logins that the verified-login cache vouches for, or from
/// an address that logged into the account recently (<see cref="RecentLoginAddresses"/>), never
/// take a turn. Names are keyed as the client sends them, whether or not such an account exists,
/// so the delay says nothing about which names are real. Memory is bounded: past
/// <see cref="Capacity"/> names, stale ones are dropped, and new names share one schedule.
/// </summary>
internal sealed class AccountLoginThrottle
{
    /// <summary>
    /// Recent failures (and checks in progress) of one account before any delay: 10, more than one
    /// address's ban threshold (<see cref="FtpServerOptions.BanFailedLogins"/>, 6), so a user who
    /// mistypes is never slowed, and only guessing from several addresses is.
    /// </summary>
    public const int FreeFailures = 10;

    /// <summary>The first delay, doubled per further failure: 0.25, 0.5, 1, 2, 4 s.</summary>
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Names tracked at most (a few hundred bytes each).</summary>
    private const int Capacity = 10_000;

    /// <summary>Failure times kept per name: enough to reach any allowed maximum delay from <see cref="FreeFailures"/>.</summary>
    private const int RememberedFailures = 32;

    private readonly Dictionary<string, Account> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Account _overflow = new();
    private TimeSpan _maxDelay;
    private TimeSpan _window;
    private readonly TimeProvider _time;
    private DateTimeOffset _lastSweep;

    public AccountLoginThrottle(FtpServerOptions options, TimeProvider time)
    {
        _maxDelay = options.AccountLoginThrottleMaxDelay;
        _window = options.BanWindow;
        _time = time;
    }

    /// <summary>A reload: the new delay cap and window; failures already counted stay.</summary>
    public void Reconfigure(FtpServerOptions options)
    {
        _maxDelay = options.AccountLoginThrottleMaxDelay;
        _window = options.BanWindow;
    }

    public bool Enabled => _maxDelay > TimeSpan.Zero;

    /// <summary>Names tracked now, for tests.</summary>
    public int TrackedCount
    {
        get
        {
            lock (_accounts)
            {
                return _accounts.Count;
            }
        }
    }

    /// <summary>
    /// Schedules a password check of <paramref name="name"/>: how long to wait before it, or that it
    /// is refused. A turn that is not refused must be settled with <see cref="Settle"/>.
    /// </summary>
    public Turn TakeTurn(string name)
    {
        if (!Enabled)
        {
            return new Turn(null, TimeSpan.Zero, 0, Refused: false, ThrottlingStarted: false);
        }

        lock (_accounts)
        {
            var now = _time.GetUtcNow();
            var account = Find(name, now);
            DropExpiredFailures(account, now);
            var recent = account.Failures.Count + account.Checking;
            var wait = account.NextTurn > now ? account.NextTurn - now : TimeSpan.Zero;
            if (wait > _maxDelay)
            {
                return new Turn(null, wait, recent, Refused: true, ThrottlingStarted: false);
            }

            account.NextTurn = now + wait + DelayAfter(recent);
            account.Checking++;
            var throttling = recent >= FreeFailures;
            var started = throttling && !account.Throttling;
            account.Throttling = throttling;
            return new Turn(account, wait, recent, Refused: false, ThrottlingStarted: started);
        }
    }

    /// <summary>Ends a scheduled check: a failure is remembered for the account, a success only frees the turn.</summary>
    public void Settle(Turn turn, bool failed)
    {
        if (turn.Account is not { } account)
        {
            return;
        }

        lock (_accounts)
        {
            account.Checking = Math.Max(0, account.Checking - 1);
            if (failed)
            {
                Remember(account, _time.GetUtcNow());
            }
        }
    }

    /// <summary>A failure of a check that took no turn (the owner's address mistyping): it still counts for the account.</summary>
    public void RecordFailure(string name)
    {
        if (!Enabled)
        {
            return;
        }

        lock (_accounts)
        {
            var now = _time.GetUtcNow();
            Remember(Find(name, now), now);
        }
    }

    /// <summary>The delay the next check waits after one that starts with <paramref name="recent"/> failures and checks in progress.</summary>
    private TimeSpan DelayAfter(int recent)
    {
        if (recent < FreeFailures)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(recent - FreeFailures, 20);
        var delay = FirstDelay * (1 << doublings);
        return delay < _maxDelay ? delay : _maxDelay;
    }

    private void Remember(Account account, DateTimeOffset now)
    {
        account.Failures.Enqueue(now);
        while (account.Failures.Count > RememberedFailures)
        {
            account.Failures.Dequeue();
        }

        DropExpiredFailures(account, now);
    }

    private void DropExpiredFailures(Account account, DateTimeOffset now)
    {
        while (account.Failures.Count > 0 && now - account.Failures.Peek() > _window)
        {
            account.Failures.Dequeue();
        }
    }

    /// <summary>The name's schedule, created when missing; the shared one while the table is full. Called under the lock.</summary>
    private Account Find(string name, DateTimeOffset now)
    {
        if (_accounts.TryGetValue(name, out var account))
        {
            return account;
        }

        if (_accounts.Count >= Capacity)
        {
            SweepStale(now);
            if (_accounts.Count >= Capacity)
            {
                // A spray of made-up names: the ones not tracked share one schedule, so they are
                // slowed together rather than not at all.
                return _overflow;
            }
        }

        account = new Account();
        _accounts[name] = account;
        return account;
    }

    private void SweepStale(DateTimeOffset now)
    {
        if (now - _lastSweep < TimeSpan.FromSeconds(1))
        {
            return;
        }

        _lastSweep = now;
        foreach (var (name, account) in _accounts)
        {
            DropExpiredFailures(account, now);
            if (account.Checking == 0 && account.Failures.Count == 0 && account.NextTurn <= now)
            {
                _accounts.Remove(name);
            }
        }
    }

    /// <summary>One account name's schedule; only touched under the table's lock.</summary>
    internal sealed class Account
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        /// <summary>Checks scheduled and not yet settled.</summary>
        public int Checking { get; set; }

        /// <summary>When the next check may start.</summary>
        public DateTimeOffset NextTurn { get; set; }

        /// <summary>Over <see cref="FreeFailures"/> since the last turn: the throttling was logged once.</summary>
        public bool Throttling { get; set; }
    }

    /// <summary>One scheduled check: <see cref="Wait"/> before it starts, or <see cref="Refused"/>; <see cref="RecentFailures"/> counts the checks in progress too.</summary>
    internal readonly record struct Turn(Account? Account, TimeSpan Wait, int RecentFailures, bool Refused, bool ThrottlingStarted);
}
