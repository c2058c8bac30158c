namespace Ferry.Administration;

/// <summary>GET /api/status.</summary>
internal sealed record StatusView(
    string Version,
    DateTimeOffset? StartedAt,
    double UptimeSeconds,
    IReadOnlyList<ListenerView> Listeners,
    int Sessions,
    int Transfers,
    int Bans,
    CertificateView? Certificate);
