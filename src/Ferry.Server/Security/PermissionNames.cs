namespace Ferry.Server.Security;

/// <summary>
/// The names of <see cref="UserPermissions"/> in configuration and on the command line:
/// "list,read,write,overwrite,delete,rename,mkdir", or "all", "none", "read-only", "upload-only".
/// SFTPGo's names are accepted as aliases (download, upload, create_dirs), since admins moving
/// from it will type them.
/// </summary>
public static class PermissionNames
{
    /// <summary>Each flag's name, in the order they are printed.</summary>
    private static readonly (string Name, UserPermissions Flag)[] Flags =
    [
        ("list", UserPermissions.List),
        ("read", UserPermissions.Read),
        ("write", UserPermissions.Write),
        ("overwrite", UserPermissions.Overwrite),
        ("delete", UserPermissions.Delete),
        ("rename", UserPermissions.Rename),
        ("mkdir", UserPermissions.MakeDirectory),
    ];

    private static readonly Dictionary<string, UserPermissions> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["list"] = UserPermissions.List,
        ["read"] = UserPermissions.Read,
        ["download"] = UserPermissions.Read,
        ["write"] = UserPermissions.Write,
        ["upload"] = UserPermissions.Write,
        ["overwrite"] = UserPermissions.Overwrite,
        ["delete"] = UserPermissions.Delete,
        ["rename"] = UserPermissions.Rename,
        ["mkdir"] = UserPermissions.MakeDirectory,
        ["create_dirs"] = UserPermissions.MakeDirectory,
        ["all"] = UserPermissions.All,
        ["*"] = UserPermissions.All,
        ["none"] = UserPermissions.None,
        ["read-only"] = UserPermissions.ReadOnly,
        ["upload-only"] = UserPermissions.UploadOnly,
    };

    /// <summary>What the error messages list as valid.</summary>
    public const string Valid = "list, read, write, overwrite, delete, rename, mkdir, all, none, read-only, upload-only";

    /// <summary>Parses a comma-separated list; an empty text is <see cref="UserPermissions.None"/>.</summary>
    public static bool TryParse(string? text, out UserPermissions permissions, out string? unknown)
    {
        permissions = UserPermissions.None;
        unknown = null;
        foreach (var word in (text ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Words.TryGetValue(word, out var flag))
            {
                unknown = word;
                return false;
            }

            permissions |= flag;
        }

        return true;
    }

    /// <summary>"all", "none", or the flags by name ("list,read").</summary>
    public static string Format(UserPermissions permissions) => permissions switch
    {
        UserPermissions.All => "all",
        UserPermissions.None => "none",
        _ => string.Join(',', Flags.Where(f => permissions.HasFlag(f.Flag)).Select(f => f.Name)),
    };
}
