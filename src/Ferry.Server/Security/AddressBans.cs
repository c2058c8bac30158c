using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Server.Security;

/// <summary>
/// fail2ban's idea inside the server: an address with <see cref="FtpServerOptions.BanFailedLogins"/>
/// failed logins within <see cref="FtpServerOptions.BanWindow"/> is refused for
/// <see cref="FtpServerOptions.BanDuration"/>, at connect and at any further PASS. IPv6 clients
/// are tracked by network prefix. A password check counts from when it starts: it reserves a
/// failure (<see cref="TryReserve"/>) before the hash and settles it after (kept as a failure,
/// or released on success), so parallel connections cannot have more passwords checked than the
/// threshold allows; counting only after the hash let 50 simultaneous guesses all be checked
/// (issue 11, finding 4). Memory is bounded: stale records are swept once many addresses are
/// tracked, so a scan from a botnet cannot grow it without end. An allow-listed address is never
/// banned, but its failures are still counted so that reaching the threshold is logged once per
/// window: loopback is allow-listed by default (issue 12), and a local script with an old password
/// should show up in the log rather than go unnoticed.
/// </summary>
internal sealed class AddressBans
{
    /// <summary>Records kept before a sweep of the stale ones (about 100 bytes each).</summary>
    private const int SweepThreshold = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Record> _records = new();
    private IPNetwork[] _allowed;
    private FtpServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FerryMetrics? _metrics;
    private long _lastSweepTicks;

    public AddressBans(FtpServerOptions options, TimeProvider time, ILogger? logger = null, FerryMetrics? metrics = null)
    {
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _allowed = [.. options.BanAllowList.Select(AddressRules.ParseNetwork)];
    }

    /// <summary>A reload: new thresholds and allow-list; bans and failures already counted stay.</summary>
    public void Reconfigure(FtpServerOptions options)
    {
        _allowed = [.. options.BanAllowList.Select(AddressRules.ParseNetwork)];
        _options = options;
    }

    public bool Enabled => _options.BanFailedLogins > 0;

    /// <summary>Addresses tracked now (failures or a ban), for tests and metrics.</summary>
    public int TrackedCount => _records.Count;

    /// <summary>True while <paramref name="address"/> (or its IPv6 network) is banned; <paramref name="until"/> is when the ban ends.</summary>
    /// <remarks>An administrator's ban holds even when automatic bans are off (BanFailedLogins 0).</remarks>
    public bool IsBanned(IPAddress address, out DateTimeOffset until) => IsBanned(address, out until, out _);

    /// <summary>As <see cref="IsBanned(IPAddress, out DateTimeOffset)"/>; <paramref name="manual"/> tells an administrator's ban from an earned one.</summary>
    public bool IsBanned(IPAddress address, out DateTimeOffset until, out bool manual)
    {
        until = default;
        manual = false;
        // TryGetValue reads without a lock (IsEmpty would take every lock when there is nothing).
        if (!_records.TryGetValue(Key(address), out var record))
        {
            return false;
        }

        lock (record)
        {
            if (record.BannedUntil > _time.GetUtcNow())
            {
                until = record.BannedUntil;
                manual = record.Manual;
                return true;
            }

            return false;
        }
    }

    /// <summary>Told of every ban as it starts (earned or set by an administrator): event hooks.</summary>
    public Action<BanRecord>? Banned { get; set; }

    /// <summary>The bans in force now, the longest-lasting first.</summary>
    public IReadOnlyList<Administration.BanSnapshot> List()
    {
        var now = _time.GetUtcNow();
        var bans = new List<Administration.BanSnapshot>();
        foreach (var (key, record) in _records)
        {
            lock (record)
            {
                if (record.BannedUntil > now && !record.Removed)
                {
                    bans.Add(new Administration.BanSnapshot(Describe(key), record.BannedUntil, record.Manual, record.Reason ?? FailedLoginsReason));
                }
            }
        }

        bans.Sort((a, b) => b.BannedUntil.CompareTo(a.BannedUntil));
        return bans;
    }

    /// <summary>
    /// An administrator bans <paramref name="address"/> (its IPv6 network) until <paramref name="until"/>,
    /// whatever the allow-list and BanFailedLogins say: an explicit order. A later ban replaces an
    /// earlier one. Returns the ban as listed.
    /// </summary>
    public Administration.BanSnapshot Ban(IPAddress address, DateTimeOffset until, string reason)
    {
        address = AddressRules.Normalize(address);
        WithRecord(address, record =>
        {
            record.BannedUntil = until;
            record.Manual = true;
            record.Reason = reason;
            record.Failures.Clear();
            return (FailureReservation.Banned, until);
        }, out _);
        var network = Describe(address);
        FerryLog.AddressBannedByAdministrator(_logger, network, until, reason);
        _metrics?.Banned();
        Banned?.Invoke(new BanRecord(network, until, Manual: true, reason));
        return new Administration.BanSnapshot(network, until, Manual: true, reason);
    }

    /// <summary>Lifts the ban on <paramref name="address"/> (its IPv6 network) and forgets its failures; false when it was not banned.</summary>
    public bool Lift(IPAddress address)
    {
        var key = Key(address);
        if (!_records.TryGetValue(key, out var record))
        {
            return false;
        }

        bool wasBanned;
        lock (record)
        {
            wasBanned = record.BannedUntil > _time.GetUtcNow();
            record.BannedUntil = default;
            record.Manual = false;
            record.Reason = null;
            record.Failures.Clear();
        }

        if (wasBanned)
        {
            FerryLog.AddressBanLifted(_logger, Describe(key));
        }

        return wasBanned;
    }

    /// <summary>The reason of a ban earned by failed logins.</summary>
    public const string FailedLoginsReason = "failed logins";

    /// <summary>True when <paramref name="address"/> has failed a login within the window (or is banned): its next checks are served last.</summary>
    public bool HasRecentFailures(IPAddress address)
    {
        if (!Enabled || !_records.TryGetValue(Key(address), out var record))
        {
            return false;
        }

        var now = _time.GetUtcNow();
        lock (record)
        {
            return record.BannedUntil > now || record.Failures.Any(failure => now - failure <= _options.BanWindow);
        }
    }

    /// <summary>
    /// Reserves a failure for a password check about to start: refused (<see cref="FailureReservation.Full"/>)
    /// while the failures within the window plus the checks already reserved reach the threshold,
    /// since each of those may still turn into the failure that bans. A reservation is settled by
    /// exactly one <see cref="RecordFailure"/> or <see cref="Release"/> with <c>reserved: true</c>.
    /// </summary>
    public FailureReservation TryReserve(IPAddress address, out DateTimeOffset bannedUntil)
    {
        bannedUntil = default;
        address = AddressRules.Normalize(address);
        if (!Enabled || IsAllowListed(address))
        {
            return FailureReservation.NotCounted;
        }

        var now = _time.GetUtcNow();
        SweepIfLarge(now);
        return WithRecord(address, record =>
        {
            if (record.BannedUntil > now)
            {
                return (FailureReservation.Banned, record.BannedUntil);
            }

            DropExpiredFailures(record, now);
            if (record.Failures.Count + record.Reserved >= _options.BanFailedLogins)
            {
                return (FailureReservation.Full, default);
            }

            record.Reserved++;
            return (FailureReservation.Reserved, default);
        }, out bannedUntil);
    }

    /// <summary>Settles a reservation of <see cref="TryReserve"/> whose check succeeded (or never ran): it counts for nothing.</summary>
    public void Release(IPAddress address)
    {
        WithRecord(AddressRules.Normalize(address), record =>
        {
            record.Reserved = Math.Max(0, record.Reserved - 1);
            return (FailureReservation.NotCounted, default);
        }, out _);
    }

    /// <summary>
    /// Counts a failed login (settling its reservation when <paramref name="reserved"/>); returns
    /// when the ban it caused ends, or null when it caused none.
    /// </summary>
    public DateTimeOffset? RecordFailure(IPAddress address, bool reserved = false)
    {
        address = AddressRules.Normalize(address);
        if (!Enabled)
        {
            return null;
        }

        if (IsAllowListed(address))
        {
            NoteAllowListedFailure(address);
            return null;
        }

        var now = _time.GetUtcNow();
        SweepIfLarge(now);
        WithRecord(address, record =>
        {
            if (reserved)
            {
                record.Reserved = Math.Max(0, record.Reserved - 1);
            }

            if (record.BannedUntil > now)
            {
                return (FailureReservation.NotCounted, default);
            }

            // A sliding window of the last failures' times: once the oldest kept one is still
            // within the window when the list is full, this failure is the one that bans.
            record.Failures.Enqueue(now);
            DropExpiredFailures(record, now);
            if (record.Failures.Count < _options.BanFailedLogins)
            {
                return (FailureReservation.NotCounted, default);
            }

            record.Failures.Clear();
            record.BannedUntil = now + _options.BanDuration;
            record.Manual = false;
            record.Reason = null;
            return (FailureReservation.Banned, record.BannedUntil);
        }, out var until);
        if (until == default)
        {
            return null;
        }

        _metrics?.Banned();
        Banned?.Invoke(new BanRecord(Describe(address), until, Manual: false, FailedLoginsReason));
        return until;
    }

    /// <summary>The banned network of <paramref name="address"/> in CIDR form, for the log.</summary>
    public string Describe(IPAddress address)
    {
        var key = Key(address);
        var bits = key.AddressFamily == AddressFamily.InterNetworkV6 ? Math.Min(_options.BanIPv6PrefixLength, 128) : 32;
        return $"{key}/{bits}";
    }

    /// <summary>The network a ban applies to: the address itself for IPv4, its prefix for IPv6.</summary>
    public IPAddress Key(IPAddress address)
    {
        address = AddressRules.Normalize(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || _options.BanIPv6PrefixLength >= 128)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var prefix = _options.BanIPv6PrefixLength;
        for (var bit = prefix; bit < 128; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }

    /// <summary>
    /// Counts a failure of an allow-listed address like any other, and logs (once per window per
    /// address) when it reaches the threshold that would have banned it; it is never banned.
    /// </summary>
    private void NoteAllowListedFailure(IPAddress address)
    {
        var now = _time.GetUtcNow();
        SweepIfLarge(now);
        var reached = WithRecord(address, record =>
        {
            record.Failures.Enqueue(now);
            DropExpiredFailures(record, now);
            if (record.Failures.Count < _options.BanFailedLogins)
            {
                return (FailureReservation.NotCounted, default);
            }

            record.Failures.Clear();
            if (record.AllowListNoticeUntil > now)
            {
                return (FailureReservation.NotCounted, default);
            }

            record.AllowListNoticeUntil = now + _options.BanWindow;
            return (FailureReservation.Banned, default);
        }, out _);
        if (reached == FailureReservation.Banned)
        {
            FerryLog.AllowListedAddressReachedBan(_logger, address, _options.BanFailedLogins, _options.BanWindow);
        }
    }

    /// <summary>The address is in <see cref="FtpServerOptions.BanAllowList"/>: never banned, and trusted like a recent login by the per-account throttle.</summary>
    public bool IsAllowListed(IPAddress address) => Array.Exists(_allowed, network => network.Contains(address));

    private void DropExpiredFailures(Record record, DateTimeOffset now)
    {
        while (record.Failures.Count > 0 && now - record.Failures.Peek() > _options.BanWindow)
        {
            record.Failures.Dequeue();
        }
    }

    /// <summary>
    /// Runs <paramref name="change"/> under the lock of the address's record, created when missing.
    /// A record the sweep removed meanwhile is marked so, and the change goes to a fresh one: a
    /// failure or reservation is never counted in a record nobody will look at again.
    /// </summary>
    private FailureReservation WithRecord(IPAddress address, Func<Record, (FailureReservation Result, DateTimeOffset Until)> change, out DateTimeOffset until)
    {
        var key = Key(address);
        while (true)
        {
            var record = _records.GetOrAdd(key, static _ => new Record());
            lock (record)
            {
                if (record.Removed)
                {
                    continue;
                }

                (var result, until) = change(record);
                return result;
            }
        }
    }

    private void SweepIfLarge(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (_records.Count < SweepThreshold || now.UtcTicks - last < TimeSpan.TicksPerSecond
            || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (key, record) in _records)
        {
            lock (record)
            {
                var stale = record.BannedUntil <= now && record.Reserved == 0 && record.AllowListNoticeUntil <= now
                    && (record.Failures.Count == 0 || now - record.Failures.Last() > _options.BanWindow);
                if (stale)
                {
                    record.Removed = true;
                    _records.TryRemove(new KeyValuePair<IPAddress, Record>(key, record));
                }
            }
        }
    }

    private sealed class Record
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset BannedUntil { get; set; }

        /// <summary>The ban was set by an administrator (the admin API, `ferry ban add`).</summary>
        public bool Manual { get; set; }

        /// <summary>The administrator's reason; null for a ban earned by failed logins.</summary>
        public string? Reason { get; set; }

        /// <summary>For an allow-listed address: until when reaching the threshold again is not logged again.</summary>
        public DateTimeOffset AllowListNoticeUntil { get; set; }

        /// <summary>Password checks in progress, each reserved as a failure until it is settled.</summary>
        public int Reserved { get; set; }

        /// <summary>Swept from the table: whoever still holds it must look the address up again.</summary>
        public bool Removed { get; set; }
    }
}
