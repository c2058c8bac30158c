namespace Ferry.Server.Security;

/// <summary>
/// A login between <see cref="Authenticator.LookUpAsync"/> and <see cref="Authenticator.VerifyAsync"/>:
/// the name as sent, the store's account (null when unknown) and whether the verified-login cache
/// vouched for this exact name and password.
/// </summary>
internal readonly record struct LoginLookup(string Name, FtpUser? User, bool Vouched);
