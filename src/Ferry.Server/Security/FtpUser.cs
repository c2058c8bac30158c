namespace Ferry.Server.Security;

/// <summary>A stored account. <see cref="PasswordHash"/> is a <see cref="PasswordHasher"/> string, never the password.</summary>
public sealed record FtpUser(
    string Name,
    string PasswordHash,
    string HomeDirectory,
    UserPermissions Permissions,
    bool Disabled);
