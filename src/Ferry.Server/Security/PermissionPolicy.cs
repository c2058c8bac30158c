using Ferry.Server.Storage;

namespace Ferry.Server.Security;

/// <summary>What one login may do where: its account's permissions, replaced inside each folder that has a rule for it.</summary>
internal sealed class PermissionPolicy
{
    private readonly UserPermissions _account;
    private readonly (VirtualPath Path, UserPermissions Permissions)[] _rules;
    private readonly bool _anonymous;

    public PermissionPolicy(UserPermissions account, (VirtualPath Path, UserPermissions Permissions)[] rules, bool anonymous)
    {
        _account = account;
        _anonymous = anonymous;

        // Deepest first, so the first rule that covers a path is the most specific one.
        _rules = [.. rules.OrderByDescending(r => r.Path.Value.Length)];
    }

    /// <summary>What may be done in <paramref name="folder"/>, and the rule that says so (null: the account's own permissions).</summary>
    public PermissionDecision At(VirtualPath folder)
    {
        foreach (var (path, permissions) in _rules)
        {
            if (Covers(path, folder))
            {
                return new PermissionDecision(Cap(permissions), path);
            }
        }

        return new PermissionDecision(Cap(_account), null);
    }

    /// <summary>
    /// A rule's folder at <paramref name="path"/> or below it. Renaming such a folder would carry
    /// its contents out from under the rule (or bring other contents under it), so it is refused.
    /// </summary>
    public VirtualPath? RuleAtOrBelow(VirtualPath path) =>
        _rules.Select(r => (VirtualPath?)r.Path).FirstOrDefault(rule => Covers(path, rule!.Value));

    /// <summary>Anonymous logins never get more than list and read, whatever the account or a rule says.</summary>
    private UserPermissions Cap(UserPermissions permissions) => _anonymous ? permissions & UserPermissions.ReadOnly : permissions;

    private static bool Covers(VirtualPath folder, VirtualPath path) =>
        folder.IsRoot || path == folder || path.Value.StartsWith(folder.Value + "/", StringComparison.Ordinal);
}
