using Ferry.Server.Connections;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol;

/// <summary>Which folder's permissions govern a path.</summary>
internal enum PermissionScope
{
    /// <summary>
    /// The path is an entry (a file, or a directory being made, removed or renamed): the folder it
    /// is in decides, as in SFTPGo. So a rule for /incoming governs what happens inside /incoming,
    /// and the folder /incoming itself is governed by its parent.
    /// </summary>
    Entry,

    /// <summary>The path is a directory whose contents are listed: that directory decides.</summary>
    Contents,
}

/// <summary>
/// The one permission check: every handler that acts on a path passes it here right after
/// resolving it. The permission comes from the command's row in <see cref="CommandTable"/>
/// (or, for what only the handler can know, such as "this STOR overwrites a file", is named by
/// it); the folder's directory rule or else the account decides. A denial is 550 with the reason
/// (RFC 959 §4.2: the action is not taken, permanently), the prepared data connection of a
/// transfer command is closed as for any refused transfer, and the session goes on.
/// </summary>
internal static class PermissionGate
{
    /// <summary>Resolves client path text and checks the current command's permission there; null when denied (already answered).</summary>
    public static async ValueTask<VirtualPath?> ResolveAsync(FtpConnection connection, string argument, PermissionScope scope)
    {
        var path = connection.Resolve(argument);
        return await AllowsAsync(connection, path, scope) ? path : null;
    }

    /// <summary>Checks the current command's permission (its table row) at an already resolved path.</summary>
    public static ValueTask<bool> AllowsAsync(FtpConnection connection, VirtualPath path, PermissionScope scope) =>
        AllowsAsync(connection, connection.Session.Command?.Permission ?? UserPermissions.None, path, scope);

    /// <summary>Checks a permission the handler names because only it knows it applies (Overwrite when the target exists).</summary>
    public static async ValueTask<bool> AllowsAsync(FtpConnection connection, UserPermissions needed, VirtualPath path, PermissionScope scope)
    {
        if (needed == UserPermissions.None)
        {
            return true;
        }

        if (Grants(connection, needed, path, scope))
        {
            return true;
        }

        await RefuseAsync(connection, needed, path, scope);
        return false;
    }

    /// <summary>Answers the denial of <paramref name="needed"/> at a path, naming the folder's rule when one decided.</summary>
    public static ValueTask RefuseAsync(FtpConnection connection, UserPermissions needed, VirtualPath path, PermissionScope scope) =>
        DenyAsync(connection, path, At(connection, path, scope).Rule is { } rule
            ? $"Permission denied: {InFolder(needed)} {rule}."
            : $"Permission denied: this account may not {ByAccount(needed)}.");

    /// <summary>Whether a permission is granted, without answering: for the MLSx perm fact and for choosing how to open a file.</summary>
    public static bool Grants(FtpConnection connection, UserPermissions permission, VirtualPath path, PermissionScope scope) =>
        At(connection, path, scope).Granted.HasFlag(permission);

    public static PermissionDecision At(FtpConnection connection, VirtualPath path, PermissionScope scope) =>
        Policy(connection).At(scope == PermissionScope.Entry ? path.Parent : path);

    public static PermissionPolicy Policy(FtpConnection connection)
    {
        var session = connection.Session;
        return session.Policy ??= connection.Server.DirectoryPermissions.For(session.User!, session.IsAnonymous);
    }

    /// <summary>
    /// Answers 550 with the reason; a transfer command's prepared data connection is closed, as for
    /// a missing file. Every refusal is an audit record (at the default level) naming the reason.
    /// </summary>
    public static async ValueTask DenyAsync(FtpConnection connection, VirtualPath path, string reason)
    {
        var command = connection.Session.Command;
        AuditTrail.Refused(connection, AuditTrail.CurrentVerb(connection), AuditTrail.CurrentAction(connection), path.Value, target: null, reason);
        await connection.ReplyAsync(FtpReplyCode.FileUnavailable, reason);
        if (command is { DataUse: not DataChannelUse.None })
        {
            await connection.Session.SetDataChannelAsync(null);
        }
    }

    private static string ByAccount(UserPermissions permission) => permission switch
    {
        UserPermissions.Read => "download files",
        UserPermissions.Write => "upload files",
        UserPermissions.Overwrite => "overwrite or change existing files",
        UserPermissions.Delete => "delete",
        UserPermissions.Rename => "rename",
        UserPermissions.MakeDirectory => "create directories",
        UserPermissions.List => "list directories",
        _ => "do this",
    };

    private static string InFolder(UserPermissions permission) => permission switch
    {
        UserPermissions.Read => "downloads are not allowed in",
        UserPermissions.Write => "uploads are not allowed in",
        UserPermissions.Overwrite => "existing files may not be overwritten or changed in",
        UserPermissions.Delete => "deleting is not allowed in",
        UserPermissions.Rename => "renaming is not allowed in",
        UserPermissions.MakeDirectory => "creating directories is not allowed in",
        UserPermissions.List => "listing is not allowed in",
        _ => "this is not allowed in",
    };
}
