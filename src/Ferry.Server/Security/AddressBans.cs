using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ferry.Server.DataChannels;

namespace Ferry.Server.Security;

/// <summary>
/// fail2ban's idea inside the server: an address with <see cref="FtpServerOptions.BanFailedLogins"/>
/// failed logins within <see cref="FtpServerOptions.BanWindow"/> is refused for
/// <see cref="FtpServerOptions.BanDuration"/>, at connect and at any further PASS. IPv6 clients
/// are tracked by network prefix. Memory is bounded: stale records are swept once many
/// addresses are tracked, so a scan from a botnet cannot grow it without end.
/// </summary>
internal sealed class AddressBans
{
    /// <summary>Records kept before a sweep of the stale ones (about 100 bytes each).</summary>
    private const int SweepThreshold = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Record> _records = new();
    private readonly IPNetwork[] _allowed;
    private readonly FtpServerOptions _options;
    private readonly TimeProvider _time;
    private long _lastSweepTicks;

    public AddressBans(FtpServerOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _allowed = [.. options.BanAllowList.Select(AddressRules.ParseNetwork)];
    }

    public bool Enabled => _options.BanFailedLogins > 0;

    /// <summary>Addresses tracked now (failures or a ban), for tests and metrics.</summary>
    public int TrackedCount => _records.Count;

    /// <summary>True while <paramref name="address"/> (or its IPv6 network) is banned; <paramref name="until"/> is when the ban ends.</summary>
    public bool IsBanned(IPAddress address, out DateTimeOffset until)
    {
        until = default;
        if (!Enabled || !_records.TryGetValue(Key(address), out var record))
        {
            return false;
        }

        lock (record)
        {
            if (record.BannedUntil > _time.GetUtcNow())
            {
                until = record.BannedUntil;
                return true;
            }

            return false;
        }
    }

    /// <summary>Counts a failed login; returns when the ban it caused ends, or null when it caused none.</summary>
    public DateTimeOffset? RecordFailure(IPAddress address)
    {
        address = AddressRules.Normalize(address);
        if (!Enabled || Array.Exists(_allowed, network => network.Contains(address)))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        SweepIfLarge(now);
        var record = _records.GetOrAdd(Key(address), static _ => new Record());
        lock (record)
        {
            if (record.BannedUntil > now)
            {
                return null;
            }

            // A sliding window of the last failures' times: once the oldest kept one is still
            // within the window when the list is full, this failure is the one that bans.
            record.Failures.Enqueue(now);
            while (record.Failures.Count > 0 && now - record.Failures.Peek() > _options.BanWindow)
            {
                record.Failures.Dequeue();
            }

            if (record.Failures.Count < _options.BanFailedLogins)
            {
                return null;
            }

            record.Failures.Clear();
            record.BannedUntil = now + _options.BanDuration;
            return record.BannedUntil;
        }
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
            bool stale;
            lock (record)
            {
                stale = record.BannedUntil <= now
                    && (record.Failures.Count == 0 || now - record.Failures.Last() > _options.BanWindow);
            }

            if (stale)
            {
                _records.TryRemove(new KeyValuePair<IPAddress, Record>(key, record));
            }
        }
    }

    private sealed class Record
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset BannedUntil { get; set; }
    }
}
