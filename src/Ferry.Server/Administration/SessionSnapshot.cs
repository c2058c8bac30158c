using System.Net;

namespace Ferry.Server.Administration;

/// <summary>
/// One session as an administrator sees it (the admin API's sessions list, `ferry who`): a copy
/// taken at one moment, never a handle on the connection itself.
/// </summary>
/// <param name="Id">The session id (the one in every log record of the session).</param>
/// <param name="RemoteEndPoint">The client's address and port (IPv4-mapped IPv6 shown as IPv4).</param>
/// <param name="ConnectedAt">When the control connection was accepted.</param>
/// <param name="User">The logged-in user's name; null before login.</param>
/// <param name="LoggedInAt">When the login succeeded; null before login.</param>
/// <param name="Tls">The control connection is TLS-protected (AUTH TLS or implicit FTPS).</param>
/// <param name="CurrentCommand">The verb of the command being handled or last handled (PASS never shows its argument; no argument is shown at all).</param>
/// <param name="IdleFor">Time since the last command (zero while a transfer runs).</param>
/// <param name="Transfer">The transfer running now; null when none.</param>
public sealed record SessionSnapshot(
    long Id,
    IPEndPoint RemoteEndPoint,
    DateTimeOffset ConnectedAt,
    string? User,
    DateTimeOffset? LoggedInAt,
    bool Tls,
    string? CurrentCommand,
    TimeSpan IdleFor,
    TransferSnapshot? Transfer);
