namespace Ferry.Administration;

/// <summary>A token as listed: never its secret.</summary>
internal sealed record TokenView(long Id, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, bool Cli)
{
    public static TokenView Of(ApiToken token) => new(token.Id, token.Name, token.Role, token.CreatedAt, token.CreatedBy, token.Cli);
}
