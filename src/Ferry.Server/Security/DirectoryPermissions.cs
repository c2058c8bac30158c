using Ferry.Server.Storage;

namespace Ferry.Server.Security;

/// <summary>
/// Server:DirectoryPermissions, checked and compiled once at start. A rule replaces the
/// permissions of the users it names for its folder and everything below it, as SFTPGo's
/// per-directory permissions do: "a read-only user with one writable upload folder" is one rule,
/// and a rule can take rights away as well as grant them. Anonymous logins stay read-only
/// whatever a rule says.
/// </summary>
internal sealed class DirectoryPermissions
{
    public const string AnonymousName = "anonymous";

    private readonly Rule[] _rules;

    private DirectoryPermissions(Rule[] rules) => _rules = rules;

    public static DirectoryPermissions None { get; } = new([]);

    /// <summary>Compiles rules that <see cref="Validate"/> accepted.</summary>
    public static DirectoryPermissions Create(IEnumerable<DirectoryPermissionRule> rules) =>
        new([.. rules.Select(rule =>
        {
            _ = TryNormalize(rule.Path, out var path);
            _ = PermissionNames.TryParse(rule.Permissions, out var permissions, out _);
            var users = Users(rule);
            return new Rule(path, users.Contains("*") ? null : users, permissions);
        })]);

    /// <summary>The rules that apply to one login, resolved once per session.</summary>
    public PermissionPolicy For(FtpUser user, bool anonymous)
    {
        var applicable = new Dictionary<VirtualPath, (UserPermissions Permissions, bool Named)>();
        foreach (var rule in _rules)
        {
            var named = rule.Users is not null;
            var applies = anonymous
                ? named && rule.Users!.Contains(AnonymousName)
                : !named || rule.Users!.Contains(user.Name);

            // A rule that names the user beats one for everyone on the same folder.
            if (applies && (!applicable.TryGetValue(rule.Path, out var existing) || (named && !existing.Named)))
            {
                applicable[rule.Path] = (rule.Permissions, named);
            }
        }

        return new PermissionPolicy(user.Permissions, applicable.Select(r => (r.Key, r.Value.Permissions)).ToArray(), anonymous);
    }

    /// <summary>One message per bad entry, naming its configuration key ("DirectoryPermissions:2:Path").</summary>
    public static IEnumerable<string> Validate(IReadOnlyList<DirectoryPermissionRule> rules)
    {
        var seen = new List<(VirtualPath Path, HashSet<string> Users, int Index)>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var key = $"DirectoryPermissions:{i}";
            if (!TryNormalize(rule.Path, out var path))
            {
                yield return $"{key}:Path: '{rule.Path}' must be a folder as users see it, starting with '/', without '.', '..' or empty segments (e.g. /incoming).";
                continue;
            }

            if (!PermissionNames.TryParse(rule.Permissions, out var permissions, out var unknown))
            {
                yield return $"{key}:Permissions: '{unknown}' is not a permission ({PermissionNames.Valid}).";
                continue;
            }

            if (rule.Users.Any(string.IsNullOrWhiteSpace))
            {
                yield return $"{key}:Users: a user name is empty.";
                continue;
            }

            var users = Users(rule);
            if (users.Contains(AnonymousName) && (permissions & ~UserPermissions.ReadOnly) != 0)
            {
                yield return $"{key}:Permissions: '{rule.Permissions}' for anonymous; anonymous logins are read-only, so a rule for them may only use list and read.";
                continue;
            }

            var clash = seen.FirstOrDefault(s => s.Path == path && s.Users.Overlaps(users));
            if (clash.Users is not null)
            {
                yield return $"{key}: DirectoryPermissions:{clash.Index} already sets {path} for {string.Join(", ", clash.Users.Intersect(users))}.";
                continue;
            }

            seen.Add((path, users, i));
        }
    }

    private static HashSet<string> Users(DirectoryPermissionRule rule)
    {
        var users = new HashSet<string>(rule.Users.Select(u => u.Trim()), StringComparer.Ordinal);
        if (users.Count == 0)
        {
            users.Add("*");
        }

        // "ftp" is the other anonymous login name (vsftpd accepts both).
        if (users.Remove("ftp"))
        {
            users.Add(AnonymousName);
        }

        return users;
    }

    /// <summary>Only clean absolute paths: a rule written as "/pub/../x" would not mean what it says.</summary>
    private static bool TryNormalize(string? text, out VirtualPath path)
    {
        path = VirtualPath.Root;
        if (string.IsNullOrEmpty(text) || text[0] != '/' || VirtualPath.HasForbiddenCharacter(text))
        {
            return false;
        }

        path = VirtualPath.Resolve(VirtualPath.Root, text);
        return path.Value == (text.Length > 1 ? text.TrimEnd('/') : text) && text.Length - path.Value.Length <= 1;
    }

    /// <param name="Path">The folder the rule covers, with everything below it.</param>
    /// <param name="Users">The names it applies to; null: every stored user.</param>
    /// <param name="Permissions">What they may do there.</param>
    private sealed record Rule(VirtualPath Path, HashSet<string>? Users, UserPermissions Permissions);
}
