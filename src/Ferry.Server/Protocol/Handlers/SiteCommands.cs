using Ferry.Server.Connections;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>SITE sub-commands (RFC 959 §4.1.3 leaves them to the server): HELP, CHMOD and QUOTA.</summary>
internal static class SiteCommands
{
    public static async ValueTask SiteAsync(FtpConnection connection, string argument)
    {
        var space = argument.IndexOf(' ');
        var sub = (space < 0 ? argument : argument[..space]).ToUpperInvariant();
        var rest = space < 0 ? string.Empty : argument[(space + 1)..];
        switch (sub)
        {
            case "HELP":
                // CHMOD only where the storage can change modes; elsewhere it gets 502 (below).
                await connection.ReplyAsync(FtpReplyCode.HelpMessage, StorageCapabilities.Of(connection).HasFlag(FileSystemCapabilities.SetUnixMode)
                    ? "SITE commands:\nCHMOD <octal mode> <path>\nHELP\nQUOTA\nEnd."
                    : "SITE commands:\nHELP\nQUOTA\nEnd.");
                break;
            case "CHMOD":
                await ChmodAsync(connection, rest);
                break;
            case "QUOTA":
                await QuotaCommands.SiteQuotaAsync(connection);
                break;
            default:
                await connection.ReplyAsync(FtpReplyCode.SyntaxError, "Unknown SITE command: " + sub + ". Try SITE HELP.");
                break;
        }
    }

    /// <summary>SITE CHMOD 644 file: octal permission bits, as FileZilla, WinSCP and FluentFTP send them.</summary>
    private static async ValueTask ChmodAsync(FtpConnection connection, string argument)
    {
        var session = connection.Session;
        var space = argument.IndexOf(' ');
        if (space < 0 || !TryParseMode(argument[..space], out var mode))
        {
            await connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Syntax: SITE CHMOD <octal mode> <path>");
            return;
        }

        // SITE has no permission in the table (SITE HELP needs none); CHMOD changes an existing file.
        var path = connection.Resolve(argument[(space + 1)..]);
        if (!await PermissionGate.AllowsAsync(connection, UserPermissions.Overwrite, path, PermissionScope.Entry))
        {
            return;
        }

        if (RefusalOf(path, mode) is { } reason)
        {
            AuditTrail.Refused(connection, AuditTrail.CurrentVerb(connection), AuditAction.Chmod, path.Value, null, reason);
            await connection.ReplyAsync(FtpReplyCode.FileUnavailable, reason);
            return;
        }

        if (!session.FileSystem!.Capabilities.HasFlag(FileSystemCapabilities.SetUnixMode))
        {
            await connection.ReplyAsync(FtpReplyCode.CommandNotImplemented, "SITE CHMOD is not supported by this storage.");
            return;
        }

        var fileSystem = session.FileSystem;
        await AuditTrail.RunAsync(connection, AuditAction.Chmod, path, null, () => fileSystem.SetUnixModeAsync(path, mode, connection.Closing));
        await connection.ReplyAsync(FtpReplyCode.CommandOkay, "SITE CHMOD command successful.");
    }

    /// <summary>
    /// Modes that would open the home to other local accounts (issue 11, finding 5): the home
    /// itself is the jail's wall, which only its administrator changes, and a mode that lets
    /// "others" write (o+w) lets every account on the machine plant files or swap directories
    /// for symlinks inside it. Null when the change is fine.
    /// </summary>
    internal static string? RefusalOf(VirtualPath path, UnixFileMode mode)
    {
        if (path.IsRoot)
        {
            return "SITE CHMOD refused: the mode of your home folder is set by the server's administrator.";
        }

        if (mode.HasFlag(UnixFileMode.OtherWrite))
        {
            return "SITE CHMOD refused: a mode that lets other accounts write (o+w, e.g. 666 or 777) is not allowed; use 664 or 775.";
        }

        return null;
    }

    /// <summary>Up to four octal digits; setuid/setgid/sticky are refused, since a shared server has no use for them.</summary>
    internal static bool TryParseMode(string text, out UnixFileMode mode)
    {
        mode = default;
        if (text.Length is 0 or > 4 || !text.All(c => c is >= '0' and <= '7'))
        {
            return false;
        }

        var value = Convert.ToInt32(text, 8);
        if (value > 0b111_111_111)
        {
            return false;
        }

        mode = (UnixFileMode)value;
        return true;
    }
}
