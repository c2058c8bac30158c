using System.Collections.Concurrent;
using System.Net;

namespace Ferry.Server.Security;

/// <summary>
/// Which address networks logged into which account recently: the owner's usual places (home,
/// office, the backup host). A login from one of them takes the fast lane past the
/// <see cref="AccountLoginThrottle"/> and to the front of the hashing queue, so guessing an
/// account from elsewhere does not lock its owner out. Only successful logins add entries, so an
/// attacker cannot grow this table; it is bounded anyway, and kept in memory only: after a restart
/// each owner is throttled like anyone until their next login.
/// </summary>
internal sealed class RecentLoginAddresses
{
    /// <summary>How long a successful login vouches for its address: 30 days, so a weekly or monthly login keeps it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>Entries kept at most (about 100 bytes each); past it expired entries are dropped, and new ones wait for room.</summary>
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<(string Name, IPAddress Network), DateTimeOffset> _expiries = new();
    private readonly TimeProvider _time;

    public RecentLoginAddresses(TimeProvider time) => _time = time;

    public int Count => _expiries.Count;

    /// <summary>True when <paramref name="network"/> (a ban network key) logged into <paramref name="name"/> within <see cref="Lifetime"/>.</summary>
    public bool Contains(string name, IPAddress network) =>
        _expiries.TryGetValue((name, network), out var expires) && expires > _time.GetUtcNow();

    public void Add(string name, IPAddress network)
    {
        var now = _time.GetUtcNow();
        if (_expiries.Count >= Capacity && !_expiries.ContainsKey((name, network)))
        {
            foreach (var (key, expires) in _expiries)
            {
                if (expires <= now)
                {
                    _expiries.TryRemove(new KeyValuePair<(string, IPAddress), DateTimeOffset>(key, expires));
                }
            }

            if (_expiries.Count >= Capacity)
            {
                return;
            }
        }

        _expiries[(name, network)] = now + Lifetime;
    }
}
