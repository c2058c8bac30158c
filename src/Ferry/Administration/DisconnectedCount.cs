namespace Ferry.Administration;

/// <summary>DELETE /api/users/{name}/sessions: how many sessions were disconnected.</summary>
internal sealed record DisconnectedCount(int Disconnected);
