namespace Ferry.Server.Security;

/// <summary>A stored account. <see cref="PasswordHash"/> is a <see cref="PasswordHasher"/> string, never the password.</summary>
/// <param name="Name">The login name.</param>
/// <param name="PasswordHash">The hash string.</param>
/// <param name="HomeDirectory">The user's root.</param>
/// <param name="Permissions">What the user may do.</param>
/// <param name="Disabled">Logins refused.</param>
/// <param name="RequireTls">This account must log in over TLS and protect its data connections, whatever the server-wide settings say.</param>
public sealed record FtpUser(
    string Name,
    string PasswordHash,
    string HomeDirectory,
    UserPermissions Permissions,
    bool Disabled,
    bool RequireTls = false);
