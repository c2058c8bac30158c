using System.Buffers;
using System.Globalization;
using Ferry.Server.Connections;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Checksums;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>Per-file commands: DELE, RNFR/RNTO (RFC 959 §4.1.3), SIZE, MDTM (RFC 3659), MFMT (draft-somers-ftp-mfxx).</summary>
internal static class FileCommands
{
    private const string TimestampFormat = "yyyyMMddHHmmss";

    public static async ValueTask DeleAsync(FtpConnection connection, string argument)
    {
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is not { } path)
        {
            return;
        }

        var fileSystem = connection.Session.FileSystem!;
        await AuditTrail.RunAsync(connection, AuditAction.Delete, path, null, () => fileSystem.DeleteFileAsync(path, connection.Closing));
        await connection.ReplyAsync(FtpReplyCode.FileActionOkay, "File deleted.");
    }

    /// <summary>
    /// Rename needs the permission in the folder the entry leaves (RNFR) and in the one it enters
    /// (RNTO): moving a file out of a read-only folder would delete it there. Storage that cannot
    /// rename never gets here: both rows require <see cref="FileSystemCapabilities.Rename"/>.
    /// </summary>
    public static async ValueTask RnfrAsync(FtpConnection connection, string argument)
    {
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is not { } source
            || !await OutsideRulesAsync(connection, source))
        {
            return;
        }

        if (source.IsRoot || await connection.Session.FileSystem!.GetEntryAsync(source, connection.Closing) is null)
        {
            AuditTrail.Refused(connection, AuditTrail.CurrentVerb(connection), AuditAction.Rename, source.Value, null, "No such file or directory.");
            await connection.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file or directory.");
            return;
        }

        connection.Session.RenameFrom = source;
        await connection.ReplyAsync(FtpReplyCode.PendingFurtherInformation, "Ready for RNTO.");
    }

    public static async ValueTask RntoAsync(FtpConnection connection, string argument)
    {
        var source = connection.Session.RenameFrom!.Value;
        connection.Session.RenameFrom = null;
        var fileSystem = connection.Session.FileSystem!;
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is not { } target
            || !await OutsideRulesAsync(connection, target))
        {
            return;
        }

        // Renaming onto a file replaces it, which is what Overwrite guards.
        if (await fileSystem.GetEntryAsync(target, connection.Closing) is { IsDirectory: false }
            && !await PermissionGate.AllowsAsync(connection, UserPermissions.Overwrite, target, PermissionScope.Entry))
        {
            return;
        }

        await AuditTrail.RunAsync(connection, AuditAction.Rename, source, target, () => fileSystem.RenameAsync(source, target, connection.Closing));
        await connection.ReplyAsync(FtpReplyCode.FileActionOkay, "Rename successful.");
    }

    /// <summary>
    /// RFC 3659 §4: the number of octets a RETR would send now. In TYPE A that counts the CR added
    /// before each bare LF, which means reading the file, so it is done only up to
    /// <see cref="AsciiSizeLimit"/>; larger files get 550 and a hint to use TYPE I.
    /// </summary>
    public static async ValueTask SizeAsync(FtpConnection connection, string argument)
    {
        var fileSystem = connection.Session.FileSystem!;
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is not { } path)
        {
            return;
        }

        // A kept partial answers for a name with no file, so a client resumes where it stopped (RFC 3659 §4, §5).
        var entry = await fileSystem.GetResumableEntryAsync(path, connection.Closing);
        if (entry is null || entry.IsDirectory)
        {
            await connection.ReplyAsync(FtpReplyCode.FileUnavailable, entry is null ? "No such file." : "Not a regular file.");
            return;
        }

        var size = entry.Size;
        if (connection.Session.TransferType == TransferType.Ascii)
        {
            if (size > AsciiSizeLimit)
            {
                await connection.ReplyAsync(FtpReplyCode.FileUnavailable, "SIZE in ASCII mode is only computed for files up to 64 MiB; send TYPE I first.");
                return;
            }

            size = await AsciiTransferSizeAsync(fileSystem, path, connection.Closing);
        }

        await connection.ReplyAsync(FtpReplyCode.FileStatus, size.ToString(CultureInfo.InvariantCulture));
    }

    private const long AsciiSizeLimit = 64 * 1024 * 1024;

    private static async ValueTask<long> AsciiTransferSizeAsync(IFileSystem fileSystem, VirtualPath path, CancellationToken cancellationToken)
    {
        await using var file = await fileSystem.OpenReadAsync(path, 0, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var lineEndings = default(AsciiLineEndings);
            long total = 0;
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += lineEndings.NetworkLength(buffer.AsSpan(0, read));
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>RFC 3659 §3: modification time in UTC as YYYYMMDDHHMMSS.</summary>
    public static async ValueTask MdtmAsync(FtpConnection connection, string argument)
    {
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is not { } path)
        {
            return;
        }

        var entry = await connection.Session.FileSystem!.GetResumableEntryAsync(path, connection.Closing);
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
        var path = argument[(space + 1)..];
        if (await PermissionGate.ResolveAsync(connection, path, PermissionScope.Entry) is not { } target)
        {
            return;
        }

        // Through the helper so an upload's kept SHA-256 survives the MFMT that clients send after it.
        await AuditTrail.RunAsync(connection, AuditAction.SetModifiedTime, target, null,
            () => KeptChecksumAcrossTimeChange.SetModificationTimeAsync(fileSystem, target, time, connection.Closing));
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

    /// <summary>A folder that holds a directory rule (or is one) is not renamed: its contents would leave the rule, or others' come under it.</summary>
    private static async ValueTask<bool> OutsideRulesAsync(FtpConnection connection, VirtualPath path)
    {
        if (PermissionGate.Policy(connection).RuleAtOrBelow(path) is not { } rule)
        {
            return true;
        }

        await PermissionGate.DenyAsync(connection, path, $"Permission denied: {rule} has its own permission rule, so {path} cannot be renamed.");
        return false;
    }
}
