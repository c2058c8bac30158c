using System.Diagnostics.CodeAnalysis;
using Ferry.Server.Security;

namespace Ferry.Users;

/// <summary>
/// Ferry's own format, for scripts: <c>name:hash:home[:permissions]</c>, where hash is any hash
/// Ferry verifies (pbkdf2-sha256$... or crypt(3)) or a lock marker, home an absolute folder,
/// and permissions as <c>ferry user add --permissions</c> takes them (<see cref="PermissionNames"/>; all by default).
/// </summary>
internal sealed class FerryLineParser : IUserLineParser
{
    public const int MinimumFieldCount = 3;
    public const int MaximumFieldCount = 4;

    public bool TryParse(int lineNumber, string[] fields, [NotNullWhen(true)] out ImportedUser? user, [NotNullWhen(false)] out string? problem)
    {
        user = null;
        if (fields.Length is < MinimumFieldCount or > MaximumFieldCount)
        {
            problem = $"a Ferry line is name:hash:home[:permissions] ({MinimumFieldCount} or {MaximumFieldCount} fields), this one has {fields.Length}";
            return false;
        }

        UserPermissions? permissions = null;
        if (fields.Length == MaximumFieldCount && fields[3].Length > 0)
        {
            if (!PermissionNames.TryParse(fields[3], out var parsed, out var unknown))
            {
                problem = $"permissions (field 4): '{unknown}' is not one of {PermissionNames.Valid}";
                return false;
            }

            permissions = parsed;
        }

        if (!ImportedPassword.TryRead(fields[1], out var password, out problem))
        {
            return false;
        }

        // The home is taken as written (no "/./" jail marker here), but must be absolute: a
        // relative one would depend on where the import happened to run.
        var home = fields[2].Length > 0 && fields[2][0] == '/' && !fields[2].Contains('\0', StringComparison.Ordinal)
            ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(fields[2]))
            : null;
        if (home is null or "/")
        {
            problem = $"the home '{fields[2]}' (field 3) is not an absolute folder below '/'";
            return false;
        }

        user = new ImportedUser(lineNumber, fields[0], password.Hash, home, permissions, password.Locked, password.Weak, []);
        return true;
    }
}
