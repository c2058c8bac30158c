using System.Collections;
using System.Globalization;
using Ferry.Server.Connections;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// The scope every log record of a session is written in (<c>ILogger.BeginScope</c>): session id,
/// client address and port, the user once logged in, and whether the control connection is TLS.
/// A JSON log gets them as named fields (<c>SessionId</c>, <c>RemoteAddress</c>, <c>RemotePort</c>,
/// <c>User</c>, <c>Tls</c>) on every line the session writes, its transfers' included (the scope
/// flows with the async context, as Kestrel's connection scope does).
/// <para>
/// A class rather than a struct, and one per session: the scope is boxed once it is pushed anyway,
/// and this way the user and TLS state are read when a record is written, so USER/PASS, REIN and
/// AUTH TLS show on the lines after them. The fixed values are boxed once here, so a formatter
/// that enumerates the scope allocates nothing per line; when no provider writes scopes (the text
/// console) it is never enumerated at all.
/// </para>
/// </summary>
internal sealed class SessionLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private static readonly object True = true;
    private static readonly object False = false;

    private readonly FtpConnection _connection;
    private readonly object _sessionId;
    private readonly string _remoteAddress;
    private readonly object _remotePort;

    public SessionLogScope(FtpConnection connection)
    {
        _connection = connection;
        _sessionId = connection.Id;
        _remoteAddress = connection.RemoteAddress.ToString();
        _remotePort = connection.RemoteEndPoint.Port;
    }

    public int Count => 5;

    /// <summary>The logged-in user's name; null before login (a name sent with USER alone is not a user yet).</summary>
    public string? User => _connection.Session.User?.Name;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("SessionId", _sessionId),
        1 => new("RemoteAddress", _remoteAddress),
        2 => new("RemotePort", _remotePort),
        3 => new("User", User),
        4 => new("Tls", _connection.IsSecure ? True : False),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>How a text formatter with scopes on shows it: <c>session 12 from 127.0.0.1:50312 user "alice" TLS</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"session {_sessionId} from {_remoteAddress}:{_remotePort}{(User is { } user ? " user " + ClientText.Quote(user) : string.Empty)}{(_connection.IsSecure ? " TLS" : string.Empty)}");
}
