using System.Collections.Concurrent;

namespace Ferry.Server.Connections;

/// <summary>
/// Counts sessions per key (client address, user) against a limit. Every successful
/// <see cref="TryEnter"/> is paired with one <see cref="Leave"/> in a finally, so the counts cannot
/// drift however a session ends; keys at zero are removed, so memory follows live sessions only.
/// </summary>
internal sealed class SessionCounter<TKey>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, int> _counts = new();

    public int this[TKey key] => _counts.GetValueOrDefault(key);

    /// <summary>Counts one more session for <paramref name="key"/>, unless that would exceed <paramref name="limit"/> (0: none).</summary>
    public bool TryEnter(TKey key, int limit)
    {
        var count = _counts.AddOrUpdate(key, 1, static (_, current) => current + 1);
        if (limit > 0 && count > limit)
        {
            Leave(key);
            return false;
        }

        return true;
    }

    public void Leave(TKey key)
    {
        var count = _counts.AddOrUpdate(key, 0, static (_, current) => current - 1);
        if (count <= 0)
        {
            // Removes the entry only if it is still at zero (another session may just have entered).
            _counts.TryRemove(new KeyValuePair<TKey, int>(key, count));
        }
    }
}
