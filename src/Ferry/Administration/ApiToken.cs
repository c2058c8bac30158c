namespace Ferry.Administration;

/// <summary>An API token as stored (table api_tokens): never the token itself, only its SHA-256.</summary>
/// <param name="Id">The token's number, for listing and revoking.</param>
/// <param name="Name">What the admin called it ("backup script").</param>
/// <param name="Role"><see cref="AdminRoles.Admin"/> or <see cref="AdminRoles.ReadOnly"/>.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">The admin who made it ("ferry serve" for the CLI token).</param>
/// <param name="Cli">The local CLI's token (DATADIR/admin-token), replaced at every start.</param>
internal sealed record ApiToken(long Id, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, bool Cli);
