using Ferry.Server.Connections;
using Ferry.Server.Diagnostics;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>Working directory and directory management (RFC 959 §4.1.1, §4.1.3).</summary>
internal static class DirectoryCommands
{
    public static async ValueTask CwdAsync(FtpConnection connection, string path)
    {
        var target = connection.Resolve(path);
        var entry = await connection.Session.FileSystem!.GetEntryAsync(target, connection.Closing);
        if (entry is not { IsDirectory: true })
        {
            await connection.ReplyAsync(FtpReplyCode.FileUnavailable, entry is null ? "No such directory." : "Not a directory.");
            return;
        }

        connection.Session.CurrentDirectory = target;
        await connection.ReplyAsync(FtpReplyCode.FileActionOkay, "Directory changed to " + Quote(target) + ".");
    }

    /// <summary>
    /// RFC 959 §4.1.1: CDUP's reply codes "shall be identical to the reply codes of CWD", so 250,
    /// as vsftpd and ProFTPD answer (§5.4's list says 200, but PHP's ftp_cdup() accepts only 250
    /// and every other client takes any 2xx).
    /// </summary>
    public static async ValueTask CdupAsync(FtpConnection connection, string argument)
    {
        connection.Session.CurrentDirectory = connection.Session.CurrentDirectory.Parent;
        await connection.ReplyAsync(FtpReplyCode.FileActionOkay, "Directory changed to " + Quote(connection.Session.CurrentDirectory) + ".");
    }

    public static ValueTask PwdAsync(FtpConnection connection, string argument) =>
        connection.ReplyAsync(FtpReplyCode.PathCreated, Quote(connection.Session.CurrentDirectory) + " is the current directory.");

    /// <summary>MKD and RMD need their permission in the parent, the folder that gains or loses an entry (as SFTPGo checks them).</summary>
    public static async ValueTask MkdAsync(FtpConnection connection, string path)
    {
        if (await PermissionGate.ResolveAsync(connection, path, PermissionScope.Entry) is not { } target)
        {
            return;
        }

        var fileSystem = connection.Session.FileSystem!;
        await AuditTrail.RunAsync(connection, AuditAction.MakeDirectory, target, null, () => fileSystem.CreateDirectoryAsync(target, connection.Closing));
        await connection.ReplyAsync(FtpReplyCode.PathCreated, Quote(target) + " created.");
    }

    public static async ValueTask RmdAsync(FtpConnection connection, string path)
    {
        if (await PermissionGate.ResolveAsync(connection, path, PermissionScope.Entry) is not { } target)
        {
            return;
        }

        var fileSystem = connection.Session.FileSystem!;
        await AuditTrail.RunAsync(connection, AuditAction.RemoveDirectory, target, null, () => fileSystem.DeleteDirectoryAsync(target, connection.Closing));
        await connection.ReplyAsync(FtpReplyCode.FileActionOkay, "Directory removed.");
    }

    /// <summary>RFC 959 Appendix II: the path in double quotes, each embedded quote doubled.</summary>
    public static string Quote(VirtualPath path) => "\"" + path.Value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
