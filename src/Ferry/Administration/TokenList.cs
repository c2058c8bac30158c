namespace Ferry.Administration;

/// <summary>GET /api/tokens.</summary>
internal sealed record TokenList(IReadOnlyList<TokenView> Items);
