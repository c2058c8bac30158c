using System.Globalization;
using Ferry.Server.Connections;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>Per-file commands: DELE, RNFR/RNTO (RFC 959 §4.1.3), SIZE, MDTM (RFC 3659), MFMT (draft-somers-ftp-mfxx).</summary>
internal static class FileCommands
{
    private const string TimestampFormat = "yyyyMMddHHmmss";

    public static async ValueTask DeleAsync(FtpConnection connection, string path)
    {
        await connection.Session.FileSystem!.DeleteFileAsync(connection.Resolve(path), CancellationToken.None);
        await connection.ReplyAsync(FtpReplyCode.FileActionOkay, "File deleted.");
    }

    public static async ValueTask RnfrAsync(FtpConnection connection, string path)
    {
        RequireRename(connection);
        var source = connection.Resolve(path);
        if (source.IsRoot || await connection.Session.FileSystem!.GetEntryAsync(source, CancellationToken.None) is null)
        {
            await connection.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file or directory.");
            return;
        }

        connection.Session.RenameFrom = source;
        await connection.ReplyAsync(FtpReplyCode.PendingFurtherInformation, "Ready for RNTO.");
    }

    public static async ValueTask RntoAsync(FtpConnection connection, string path)
    {
        var source = connection.Session.RenameFrom!.Value;
        connection.Session.RenameFrom = null;
        await connection.Session.FileSystem!.RenameAsync(source, connection.Resolve(path), CancellationToken.None);
        await connection.ReplyAsync(FtpReplyCode.FileActionOkay, "Rename successful.");
    }

    /// <summary>RFC 3659 §4: the size of a file; directories have no transfer size (550).</summary>
    public static async ValueTask SizeAsync(FtpConnection connection, string path)
    {
        var entry = await connection.Session.FileSystem!.GetEntryAsync(connection.Resolve(path), CancellationToken.None);
        await (entry switch
        {
            null => connection.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file."),
            { IsDirectory: true } => connection.ReplyAsync(FtpReplyCode.FileUnavailable, "Not a regular file."),
            _ => connection.ReplyAsync(FtpReplyCode.FileStatus, entry.Size.ToString(CultureInfo.InvariantCulture)),
        });
    }

    /// <summary>RFC 3659 §3: modification time in UTC as YYYYMMDDHHMMSS.</summary>
    public static async ValueTask MdtmAsync(FtpConnection connection, string path)
    {
        var entry = await connection.Session.FileSystem!.GetEntryAsync(connection.Resolve(path), CancellationToken.None);
        await (entry is null
            ? connection.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file.")
            : connection.ReplyAsync(FtpReplyCode.FileStatus, entry.LastModifiedUtc.ToString(TimestampFormat, CultureInfo.InvariantCulture)));
    }

    /// <summary>draft-somers-ftp-mfxx §3: "MFMT YYYYMMDDHHMMSS[.sss] path" → "213 Modify=...; path".</summary>
    public static async ValueTask MfmtAsync(FtpConnection connection, string argument)
    {
        var space = argument.IndexOf(' ');
        if (space < 0 || !TryParseTimestamp(argument[..space], out var time))
        {
            await connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Syntax: MFMT YYYYMMDDHHMMSS path");
            return;
        }

        var fileSystem = connection.Session.FileSystem!;
        if (!fileSystem.Capabilities.HasFlag(FileSystemCapabilities.SetModificationTime))
        {
            throw new StorageException(StorageErrorKind.NotSupported);
        }

        var path = argument[(space + 1)..];
        await fileSystem.SetModificationTimeAsync(connection.Resolve(path), time, CancellationToken.None);
        await connection.ReplyAsync(FtpReplyCode.FileStatus, "Modify=" + time.ToString(TimestampFormat, CultureInfo.InvariantCulture) + "; " + path);
    }

    internal static bool TryParseTimestamp(string text, out DateTime utc)
    {
        var dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        if (whole.Length != 14
            || !DateTime.TryParseExact(whole, TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc))
        {
            utc = default;
            return false;
        }

        if (dot >= 0)
        {
            var fraction = text[(dot + 1)..];
            if (fraction.Length is 0 or > 3 || !int.TryParse(fraction, NumberStyles.None, CultureInfo.InvariantCulture, out var millis))
            {
                return false;
            }

            utc = utc.AddMilliseconds(millis * Math.Pow(10, 3 - fraction.Length));
        }

        return true;
    }

    private static void RequireRename(FtpConnection connection)
    {
        if (!connection.Session.FileSystem!.Capabilities.HasFlag(FileSystemCapabilities.Rename))
        {
            throw new StorageException(StorageErrorKind.NotSupported);
        }
    }
}
