namespace Ferry.Administration;

/// <summary>POST /api/tokens' body (for the OpenAPI document; read with <see cref="JsonBody"/>).</summary>
internal sealed record TokenRequest(string Name, string? Role);
