namespace Ferry.Server.Security;

/// <summary>
/// The outcome of <see cref="LoginDefences.CheckAsync"/>: the account (a login), null with no
/// refusal (a wrong password, counted; <see cref="BannedUntil"/> set when it was the failure that
/// banned), or a refusal without a check.
/// </summary>
internal readonly record struct PasswordCheckResult(FtpUser? User, LoginRefusal Refusal, DateTimeOffset? BannedUntil);
