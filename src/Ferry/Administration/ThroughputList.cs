namespace Ferry.Administration;

/// <summary>GET /api/throughput: one point a second for the last five minutes, oldest first.</summary>
internal sealed record ThroughputList(IReadOnlyList<ThroughputPoint> Points);
