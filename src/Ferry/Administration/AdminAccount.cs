namespace Ferry.Administration;

/// <summary>An admin account (table admins of users.db), separate from FTP users.</summary>
/// <param name="Name">The login name.</param>
/// <param name="PasswordHash">A <see cref="Server.Security.PasswordHasher"/> string, never the password.</param>
/// <param name="Role"><see cref="AdminRoles.Admin"/> or <see cref="AdminRoles.ReadOnly"/>.</param>
/// <param name="Disabled">Logins refused, and its signed-in pages signed out.</param>
internal sealed record AdminAccount(string Name, string PasswordHash, string Role, bool Disabled);
