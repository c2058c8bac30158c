namespace Ferry.Administration;

/// <summary>POST /api/bans' body (for the OpenAPI document; read with <see cref="JsonBody"/>); no duration: Server:BanDuration.</summary>
internal sealed record BanRequest(string Address, long? DurationSeconds, string? Reason);
