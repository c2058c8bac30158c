namespace Ferry.Server.Security;

/// <summary>A stored account. <see cref="PasswordHash"/> is a <see cref="PasswordHasher"/> string, never the password.</summary>
/// <param name="Name">The login name.</param>
/// <param name="PasswordHash">The hash string.</param>
/// <param name="HomeDirectory">The user's root.</param>
/// <param name="Permissions">What the user may do.</param>
/// <param name="Disabled">Logins refused.</param>
/// <param name="RequireTls">This account must log in over TLS and protect its data connections, whatever the server-wide settings say.</param>
/// <param name="QuotaBytes">The account's byte quota; null: the server's DefaultQuotaBytes; 0: none.</param>
/// <param name="QuotaFiles">The account's file-count quota; null: the server's DefaultQuotaFiles; 0: none.</param>
/// <param name="Umask">The umask of the account's uploads and new folders; null: the server's UploadUmask.</param>
/// <param name="ScannedUsage">The usage last counted by `ferry user quota --scan`; null: never counted.</param>
/// <param name="DownloadRateLimit">The account's own per-session download limit in bytes per second (set through the admin API); null: UserRateLimits or the server's DownloadRateLimit; 0: none.</param>
/// <param name="UploadRateLimit">The account's own per-session upload limit in bytes per second; null: UserRateLimits or the server's UploadRateLimit; 0: none.</param>
/// <param name="Storage">Where the account's files live: null, the local disk under <paramref name="HomeDirectory"/>; "s3:NAME", the S3 profile Storage:S3:NAME (HomeDirectory then unused).</param>
public sealed record FtpUser(
    string Name,
    string PasswordHash,
    string HomeDirectory,
    UserPermissions Permissions,
    bool Disabled,
    bool RequireTls = false,
    long? QuotaBytes = null,
    long? QuotaFiles = null,
    int? Umask = null,
    Quotas.StoredUsage? ScannedUsage = null,
    long? DownloadRateLimit = null,
    long? UploadRateLimit = null,
    string? Storage = null);
