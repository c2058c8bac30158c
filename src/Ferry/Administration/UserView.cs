using Ferry.Server.Security;

namespace Ferry.Administration;

/// <summary>
/// An FTP user as the API shows it: never its password or hash. Permissions by the names `ferry user`
/// uses. Storage: "local" (files under Home) or "s3:NAME" (an S3 profile; Home is then unused, often "").
/// </summary>
internal sealed record UserView(
    string Name,
    string Home,
    IReadOnlyList<string> Permissions,
    bool Disabled,
    bool RequireTls,
    long? QuotaBytes,
    long? QuotaFiles,
    long? DownloadRateLimit,
    long? UploadRateLimit,
    string Storage)
{
    /// <summary>Each permission flag's name, in the order `ferry user list` prints them.</summary>
    public static readonly IReadOnlyList<string> PermissionWords = ["list", "read", "write", "overwrite", "delete", "rename", "mkdir"];

    public static UserView Of(FtpUser user) => new(
        user.Name,
        user.HomeDirectory,
        [.. PermissionWords.Where(word => PermissionNames.TryParse(word, out var flag, out _) && user.Permissions.HasFlag(flag))],
        user.Disabled,
        user.RequireTls,
        user.QuotaBytes,
        user.QuotaFiles,
        user.DownloadRateLimit,
        user.UploadRateLimit,
        Ferry.Storage.UserStorage.Describe(user));
}
