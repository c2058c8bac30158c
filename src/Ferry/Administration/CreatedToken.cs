namespace Ferry.Administration;

/// <summary>POST /api/tokens' answer: the secret <see cref="Token"/> is shown this once; only its SHA-256 is kept.</summary>
internal sealed record CreatedToken(long Id, string Name, string Role, string Token, DateTimeOffset CreatedAt);
