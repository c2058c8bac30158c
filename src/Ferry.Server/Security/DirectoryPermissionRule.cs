namespace Ferry.Server.Security;

/// <summary>
/// One entry of Server:DirectoryPermissions: what the named users may do in a folder and
/// everything under it, in place of their own permissions (SFTPGo's per-directory permissions;
/// ProFTPD's &lt;Directory&gt; with &lt;Limit&gt;). The deepest rule that covers a path wins.
/// </summary>
public sealed class DirectoryPermissionRule
{
    /// <summary>The folder as the user sees it ("/incoming"), relative to their home; covers everything below it too.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Who the rule is for; empty or "*": every user of the user store. Anonymous logins only through the name "anonymous".</summary>
    public List<string> Users { get; set; } = [];

    /// <summary>Comma-separated <see cref="PermissionNames"/>, e.g. "list,write"; empty: nothing.</summary>
    public string Permissions { get; set; } = string.Empty;
}
