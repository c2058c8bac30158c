using Ferry.Server.Administration;

namespace Ferry.Administration;

/// <summary>GET /api/bans: every ban in force (short enough to need no paging: bans expire).</summary>
internal sealed record BanList(IReadOnlyList<BanSnapshot> Items);
