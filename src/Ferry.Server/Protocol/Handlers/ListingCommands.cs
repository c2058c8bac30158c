using FileSystemName = System.IO.Enumeration.FileSystemName;
using Ferry.Server.Connections;
using Ferry.Server.Protocol.Listing;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>
/// Directory listings: LIST and NLST (RFC 959 §4.1.3) and MLSD/MLST (RFC 3659 §7). The data
/// connection ones stream entries as the storage yields them.
/// </summary>
internal static class ListingCommands
{
    private enum Format
    {
        Long,
        Names,
        Facts,
    }

    public static ValueTask ListAsync(FtpConnection connection, string argument) => StartListingAsync(connection, argument, Format.Long);

    public static ValueTask NlstAsync(FtpConnection connection, string argument) => StartListingAsync(connection, argument, Format.Names);

    public static async ValueTask MlsdAsync(FtpConnection connection, string argument)
    {
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Contents) is not { } path)
        {
            return;
        }

        var entry = await connection.Session.FileSystem!.GetEntryAsync(path, connection.Closing);
        if (entry is null || !entry.IsDirectory)
        {
            // RFC 3659 §7.2.1: a file given to MLSD is a 501; a missing directory is 550 (rclone relies on it).
            await TransferRunner.RefuseAsync(connection, entry is null
                ? (FtpReplyCode.FileUnavailable, "No such directory.")
                : (FtpReplyCode.SyntaxErrorInParameters, "Not a directory: use MLST for a file."));
            return;
        }

        await StartAsync(connection, path, entry, Format.Facts, showHidden: true, pattern: null, displayName: argument);
    }

    /// <summary>RFC 3659 §7.2: the facts of one object, on the control connection.</summary>
    public static async ValueTask MlstAsync(FtpConnection connection, string argument)
    {
        var session = connection.Session;
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is not { } path)
        {
            return;
        }

        var entry = await session.FileSystem!.GetEntryAsync(path, connection.Closing);
        if (entry is null)
        {
            await connection.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file or directory.");
            return;
        }

        var policy = PermissionGate.Policy(connection);
        var facts = MlsxFormatter.FormatFacts(entry, session.MlstFacts, policy.At(path.Parent).Granted, policy.At(path).Granted);
        await connection.ReplyAsync(FtpReplyCode.FileActionOkay, $"Listing {path}\n {facts} {path}\nEnd.");
    }

    /// <summary>STAT with a path (RFC 959 §4.1.3): the LIST output over the control connection, so it needs List as LIST does.</summary>
    public static async ValueTask StatPathAsync(FtpConnection connection, string argument)
    {
        var options = ListingOptions.Parse(argument);
        var path = connection.Resolve(options.Path);
        if (!await PermissionGate.AllowsAsync(connection, UserPermissions.List, path, PermissionScope.Contents))
        {
            return;
        }

        var fileSystem = connection.Session.FileSystem!;
        var entry = await fileSystem.GetEntryAsync(path, connection.Closing);
        if (entry is null)
        {
            await connection.ReplyAsync(FtpReplyCode.FileUnavailable, "No such file or directory.");
            return;
        }

        var formatter = new ListFormatter(connection.Server.Time.GetUtcNow().UtcDateTime, OwnerName(connection));
        var text = new System.Text.StringBuilder($"Status of {path}:\n");
        if (entry.IsDirectory)
        {
            await foreach (var child in fileSystem.ListAsync(path, connection.Closing))
            {
                if ((options.ShowHidden || !child.Name.StartsWith('.')) && ListingName.IsListable(child.Name))
                {
                    AppendWithoutLineEnd(text, formatter.Format(child));
                }
            }
        }
        else
        {
            AppendWithoutLineEnd(text, formatter.Format(entry));
        }

        await connection.ReplyAsync(entry.IsDirectory ? FtpReplyCode.DirectoryStatus : FtpReplyCode.FileStatus, text.Append("End of status.").ToString());
    }

    private static async ValueTask StartListingAsync(FtpConnection connection, string argument, Format format)
    {
        var options = ListingOptions.Parse(argument);
        var path = connection.Resolve(options.Path);
        string? pattern = null;
        if (path.Name.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            // "NLST *.txt" (mget in command-line clients): a wildcard in the last segment filters its parent.
            pattern = path.Name;
            path = path.Parent;
        }

        if (!await PermissionGate.AllowsAsync(connection, path, PermissionScope.Contents))
        {
            return;
        }

        var entry = await connection.Session.FileSystem!.GetEntryAsync(path, connection.Closing);
        if (entry is null)
        {
            await TransferRunner.RefuseAsync(connection, (FtpReplyCode.FileUnavailable, "No such file or directory."));
            return;
        }

        // "NLST file" answers with the name as the client gave it, as `ls file` does.
        await StartAsync(connection, path, entry, format, options.ShowHidden, pattern, displayName: options.Path);
    }

    private static async ValueTask StartAsync(
        FtpConnection connection, VirtualPath path, FileSystemEntry entry, Format format, bool showHidden, string? pattern, string displayName)
    {
        var session = connection.Session;
        if (session.DataChannel is null)
        {
            await TransferCommands.NoDataChannelAsync(connection);
            return;
        }

        var fileSystem = session.FileSystem!;
        var facts = session.MlstFacts;
        var policy = PermissionGate.Policy(connection);
        var owner = OwnerName(connection);
        var time = connection.Server.Time;
        var verb = session.Command!.Verb;
        await TransferRunner.StartAsync(connection, session.TakeDataChannel()!, verb, path, "Here comes the directory listing.", null, async (_, network, transfer, token) =>
        {
            using var writer = new ListingWriter(network);

            // The perm fact of each MLSD entry (RFC 3659 §7.5.5): what may be done to it is this
            // folder's rule; what may be done inside a subfolder is the subfolder's own.
            IListingFormatter formatter = format switch
            {
                Format.Long => new ListFormatter(time.GetUtcNow().UtcDateTime, owner),
                Format.Names => new NameFormatter(entry.IsDirectory ? null : displayName),
                _ => new MlsxFormatter(facts, policy, path),
            };
            var entries = entry.IsDirectory ? fileSystem.ListAsync(path, token) : new[] { entry }.ToAsyncEnumerable();
            await foreach (var child in entries.WithCancellation(token))
            {
                if ((!showHidden && child.Name.StartsWith('.'))
                    || !ListingName.IsListable(child.Name)
                    || (pattern is not null && !FileSystemName.MatchesSimpleExpression(pattern, child.Name, ignoreCase: false)))
                {
                    continue;
                }

                await writer.WriteAsync(formatter, child, token);
            }

            await writer.FlushAsync(token);
            transfer.AddBytes(writer.BytesWritten);
        });
    }

    /// <summary>A LIST line as one line of a multi-line reply: the reply writer adds the line ends.</summary>
    private static void AppendWithoutLineEnd(System.Text.StringBuilder text, string line) =>
        text.Append(line.AsSpan(0, line.Length - 2)).Append('\n');

    private static string OwnerName(FtpConnection connection) => connection.Session.IsAnonymous ? "ftp" : connection.Session.User!.Name;
}
