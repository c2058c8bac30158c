using System.Globalization;
using Ferry.Server.Connections;
using Ferry.Server.Quotas;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>
/// What a user may still store: AVBL (draft-peterson-streamlined-ftp-command-extensions §4, which
/// clients such as Serv-U's and FlashFXP send before uploading) and SITE QUOTA.
/// </summary>
internal static class QuotaCommands
{
    /// <summary>
    /// AVBL [path]: 213 and the bytes the user may still store in that directory (the current one
    /// without a path); 550 for a missing path or one that is not a directory. Under a byte quota
    /// it is what the quota leaves, or the disk's free space when that is less; without one, the
    /// free space of the disk behind the home (statvfs f_bavail, what the draft means by the space
    /// "available to the user"), where the storage is local; 550 where neither is known.
    /// </summary>
    public static async ValueTask AvblAsync(FtpConnection connection, string argument)
    {
        if (await PermissionGate.ResolveAsync(connection, argument.Length == 0 ? "." : argument, PermissionScope.Contents) is not { } path)
        {
            return;
        }

        var session = connection.Session;
        var fileSystem = session.FileSystem!;
        var entry = await fileSystem.GetEntryAsync(path, CancellationToken.None);
        if (entry is not { IsDirectory: true })
        {
            await connection.ReplyAsync(FtpReplyCode.FileUnavailable, entry is null ? "No such directory." : "Not a directory.");
            return;
        }

        var disk = fileSystem.Capabilities.HasFlag(FileSystemCapabilities.LocalFileHandle) ? FreeSpace(session.User!.HomeDirectory) : null;
        var quota = QuotaLeft(fileSystem);
        if ((quota, disk) is (null, null))
        {
            await connection.ReplyAsync(FtpReplyCode.FileUnavailable, "The space available is not known for this storage.");
            return;
        }

        var available = Math.Min(quota ?? long.MaxValue, disk ?? long.MaxValue);
        await connection.ReplyAsync(FtpReplyCode.FileStatus, available.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>SITE QUOTA: 200 with bytes and files used of the limits (uploads in progress included).</summary>
    public static ValueTask SiteQuotaAsync(FtpConnection connection)
    {
        if (connection.Session.FileSystem is not QuotaFileSystem { Account: var account })
        {
            return connection.ReplyAsync(FtpReplyCode.CommandOkay, "No quota applies to this account.");
        }

        var usage = account.Usage;
        var limits = account.Limits;
        return connection.ReplyAsync(FtpReplyCode.CommandOkay, string.Create(CultureInfo.InvariantCulture,
            $"Quota: bytes {usage.Bytes + usage.ReservedBytes}/{Limit(limits.MaxBytes)}, files {usage.Files + usage.ReservedFiles}/{Limit(limits.MaxFiles)}."));

        static string Limit(long value) => value == 0 ? "unlimited" : value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Bytes the byte quota leaves; null without a byte quota.</summary>
    private static long? QuotaLeft(IFileSystem fileSystem)
    {
        if (fileSystem is not QuotaFileSystem { Account: var account } || account.Limits.MaxBytes == 0)
        {
            return null;
        }

        var usage = account.Usage;
        return Math.Max(0, account.Limits.MaxBytes - usage.Bytes - usage.ReservedBytes);
    }

    private static long? FreeSpace(string home)
    {
        try
        {
            return new DriveInfo(home).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
