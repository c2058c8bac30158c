namespace Ferry.Administration;

/// <summary>POST /api/users' answer: the user, and the password when the server generated it (shown this once).</summary>
internal sealed record CreatedUser(
    string Name,
    string Home,
    IReadOnlyList<string> Permissions,
    bool Disabled,
    bool RequireTls,
    long? QuotaBytes,
    long? QuotaFiles,
    long? DownloadRateLimit,
    long? UploadRateLimit,
    string Storage,
    string? Password)
{
    public static CreatedUser Of(UserView user, string? password) => new(
        user.Name, user.Home, user.Permissions, user.Disabled, user.RequireTls, user.QuotaBytes, user.QuotaFiles, user.DownloadRateLimit, user.UploadRateLimit, user.Storage, password);
}
