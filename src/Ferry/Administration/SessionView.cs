using Ferry.Server.Administration;

namespace Ferry.Administration;

/// <summary>A session as the API shows it (GET /api/sessions, the live stream).</summary>
internal sealed record SessionView(
    long Id,
    string RemoteAddress,
    int RemotePort,
    DateTimeOffset ConnectedAt,
    string? User,
    DateTimeOffset? LoggedInAt,
    bool Tls,
    string? CurrentCommand,
    double IdleSeconds,
    TransferSnapshot? Transfer)
{
    public static SessionView Of(SessionSnapshot session) => new(
        session.Id,
        session.RemoteEndPoint.Address.ToString(),
        session.RemoteEndPoint.Port,
        session.ConnectedAt,
        session.User,
        session.LoggedInAt,
        session.Tls,
        session.CurrentCommand,
        Math.Round(session.IdleFor.TotalSeconds, 1),
        session.Transfer);
}
