namespace Ferry.Administration;

/// <summary>
/// The two roles of admin accounts and API tokens, as the API and `ferry admin` spell them:
/// "admin" may do everything, "readonly" may only read (every GET; every other method is 403).
/// </summary>
internal static class AdminRoles
{
    public const string Admin = "admin";
    public const string ReadOnly = "readonly";

    /// <summary>What error messages list as valid.</summary>
    public const string Valid = "admin, readonly";

    /// <summary>The canonical spelling of a role; null when it is none.</summary>
    public static string? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        Admin => Admin,
        ReadOnly or "read-only" => ReadOnly,
        _ => null,
    };
}
