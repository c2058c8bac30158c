using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Ferry.Administration;

/// <summary>
/// The signed-in pages (cookie ferry_admin), in memory. The cookie is a random session id, not a
/// signed ticket: nothing to forge, and a sign-out, a changed password, a deleted or disabled
/// admin, or a restart ends the session at once. An idle session lasts Admin:SessionLifetime.
/// At most <see cref="MaxSessions"/> at once; beyond, the least recently used goes first.
/// </summary>
internal sealed class AdminSessions(TimeSpan lifetime, TimeProvider time)
{
    /// <summary>Far more than the admins of one server use; the bound keeps a login loop from growing memory.</summary>
    public const int MaxSessions = 1000;

    private readonly ConcurrentDictionary<string, AdminSession> _sessions = new(StringComparer.Ordinal);

    public TimeSpan Lifetime => lifetime;

    public AdminSession Create(AdminAccount admin)
    {
        Prune();
        var session = new AdminSession(NewSecret(), admin.Name, admin.PasswordHash, NewSecret(), time.GetUtcNow());
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session with this id (its idle clock restarted), or null.</summary>
    public AdminSession? Find(string id)
    {
        if (!_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now - session.LastSeen > lifetime)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        session.LastSeen = now;
        return session;
    }

    public void Remove(string id) => _sessions.TryRemove(id, out _);

    /// <summary>Constant-time: the CSRF token a changing request repeats against the session's.</summary>
    public static bool CsrfMatches(AdminSession session, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(header), System.Text.Encoding.UTF8.GetBytes(session.CsrfToken));

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (id, session) in _sessions)
        {
            if (now - session.LastSeen > lifetime)
            {
                _sessions.TryRemove(id, out _);
            }
        }

        var excess = _sessions.Count - (MaxSessions - 1);
        if (excess > 0)
        {
            foreach (var oldest in _sessions.Values.OrderBy(session => session.LastSeen).Take(excess).ToList())
            {
                _sessions.TryRemove(oldest.Id, out _);
            }
        }
    }

    private static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
