using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Server.Security;

/// <summary>
/// Remembers logins that verified recently, so a client that logs in again and again (a camera
/// uploading every minute, a mirror opening eight sessions at once, a script in a loop) pays the
/// slow password hash once per window instead of every time. Entries are keyed by an HMAC of
/// name, password and stored hash under a random per-process key: the cache holds nothing that
/// could be tested against offline, a changed password (a new stored hash) misses, and failures
/// are never remembered, so every wrong guess still pays the full hash.
/// </summary>
internal sealed class VerifiedLoginCache
{
    /// <summary>Entries kept at most: a few MB; past it expired entries are dropped, and new ones are not added until there is room.</summary>
    private const int Capacity = 50_000;

    private readonly ConcurrentDictionary<string, long> _expiries = new(StringComparer.Ordinal);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    public VerifiedLoginCache(TimeSpan lifetime, TimeProvider time)
    {
        _lifetime = lifetime;
        _time = time;
    }

    public bool Enabled => _lifetime > TimeSpan.Zero;

    public int Count => _expiries.Count;

    public bool Contains(string name, string password, string storedHash)
    {
        if (!Enabled)
        {
            return false;
        }

        var key = Key(name, password, storedHash);
        if (!_expiries.TryGetValue(key, out var expires))
        {
            return false;
        }

        if (_time.GetTimestamp() < expires)
        {
            return true;
        }

        _expiries.TryRemove(new KeyValuePair<string, long>(key, expires));
        return false;
    }

    public void Add(string name, string password, string storedHash)
    {
        if (!Enabled)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (_expiries.Count >= Capacity)
        {
            foreach (var (key, expires) in _expiries)
            {
                if (expires <= now)
                {
                    _expiries.TryRemove(new KeyValuePair<string, long>(key, expires));
                }
            }

            if (_expiries.Count >= Capacity)
            {
                return;
            }
        }

        _expiries[Key(name, password, storedHash)] = now + (long)(_lifetime.TotalSeconds * _time.TimestampFrequency);
    }

    private string Key(string name, string password, string storedHash)
    {
        // Length-prefixed fields, so ("ab", "c") and ("a", "bc") cannot collide.
        var text = $"{name.Length}:{name}\0{password.Length}:{password}\0{storedHash}";
        var bytes = Encoding.UTF8.GetBytes(text);
        try
        {
            return Convert.ToBase64String(HMACSHA256.HashData(_key, bytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
