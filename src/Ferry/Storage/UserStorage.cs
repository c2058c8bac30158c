using Ferry.Configuration;
using Ferry.Server.Security;

namespace Ferry.Storage;

/// <summary>
/// A user's storage as the user store keeps it (<see cref="FtpUser.Storage"/>): null for the local
/// disk under the home folder, "s3:NAME" for the S3 profile Storage:S3:NAME. One place reads and
/// checks the value, for the server's logins, `ferry user` and the admin API alike.
/// </summary>
internal static class UserStorage
{
    /// <summary>What `--storage` and the admin API's "storage" take for the local disk (stored as null).</summary>
    public const string Local = "local";

    public const string S3Prefix = "s3:";

    /// <summary>The profile name of an "s3:NAME" value (any case of "s3:"); null for anything else.</summary>
    public static string? S3ProfileName(string? storage) =>
        storage is not null && storage.StartsWith(S3Prefix, StringComparison.OrdinalIgnoreCase) ? storage[S3Prefix.Length..] : null;

    /// <summary>True when the user's files are on the local disk (no storage set).</summary>
    public static bool IsLocal(FtpUser user) => string.IsNullOrEmpty(user.Storage);

    /// <summary>How a user's storage reads in `ferry user list` and logs: "local" or "s3:NAME".</summary>
    public static string Describe(FtpUser user) => IsLocal(user) ? Local : user.Storage!;

    /// <summary>
    /// Reads a storage value given by an admin: "local" (or empty) is the local disk, stored as null;
    /// "s3:NAME" must name a configured profile and is stored with the profile's own spelling.
    /// False with <paramref name="error"/> saying what is allowed (the caller names the option or field).
    /// </summary>
    public static bool TryParse(string? value, StorageSettings settings, out string? storage, out string? error)
    {
        ArgumentNullException.ThrowIfNull(settings);
        storage = null;
        error = null;
        if (string.IsNullOrEmpty(value) || value.Equals(Local, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (S3ProfileName(value) is { } name && settings.S3.Keys.FirstOrDefault(key => key.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } profile)
        {
            storage = S3Prefix + profile;
            return true;
        }

        error = $"'{value}' is not {Allowed(settings)}.";
        return false;
    }

    /// <summary>"local or s3:NAME of a profile in Storage:S3 (a, b)", or "local (Storage:S3 has no profiles)".</summary>
    public static string Allowed(StorageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.S3.Count == 0
            ? "local (no S3 profile is configured in Storage:S3)"
            : $"local or one of {string.Join(", ", settings.S3.Keys.Order(StringComparer.OrdinalIgnoreCase).Select(key => S3Prefix + key))} (the profiles in Storage:S3)";
    }
}
