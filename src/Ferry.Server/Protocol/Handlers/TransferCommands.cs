using System.Globalization;
using Ferry.Server.Connections;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;
using Ferry.Server.Quotas;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>File transfers (RFC 959 §4.1.3: RETR, STOR, STOU, APPE, ALLO, ABOR; RFC 3659 §5: REST).</summary>
internal static class TransferCommands
{
    public static async ValueTask RetrAsync(FtpConnection connection, string argument)
    {
        var session = connection.Session;
        var offset = TakeRestartOffset(session);
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is not { } path)
        {
            return;
        }

        var fileSystem = session.FileSystem!;
        var entry = await fileSystem.GetEntryAsync(path, connection.Closing);
        if (entry is null || entry.IsDirectory)
        {
            AuditTrail.Refused(connection, "RETR", AuditAction.Download, path.Value, null, entry is null ? "No such file." : "Not a regular file.");
            await TransferRunner.RefuseAsync(connection, (FtpReplyCode.FileUnavailable, entry is null ? "No such file." : "Not a regular file."));
            return;
        }

        if (offset > entry.Size || (offset > 0 && !fileSystem.Capabilities.HasFlag(FileSystemCapabilities.ReadFromOffset)))
        {
            await TransferRunner.RefuseAsync(connection, (FtpReplyCode.RequestedActionNotTaken, "Invalid REST offset for this file."));
            return;
        }

        if (await OpenForTransferAsync(connection, "RETR", path, fs => fs.OpenReadAsync(path, offset, connection.Closing)) is not { } file)
        {
            return;
        }

        var ascii = session.TransferType == TransferType.Ascii;
        var options = connection.Options;
        // sendfile only for plain binary from local disk: TLS and ASCII need the bytes in user space.
        // The file is the descriptor the backend opened and confined, never a path opened again.
        var localFile = !ascii && options.UseSendFile && session.DataProtection == DataProtection.Clear
            && fileSystem.TryGetLocalFile(file, out var local) ? local : null;
        var sendFile = localFile is { IsAsync: true };
        var opening = string.Create(CultureInfo.InvariantCulture,
            $"Opening {(ascii ? "ASCII" : "BINARY")} mode data connection for {path.Name} ({entry.Size - offset} bytes).");
        await TransferRunner.StartAsync(connection, session.TakeDataChannel()!, "RETR", path, opening, file, (socket, network, transfer, token) =>
            sendFile
                ? TransferPump.SendFileAsync(socket, localFile!, offset, transfer, token)
                : TransferPump.CopyToNetworkAsync(file, network, ascii, options.TransferBufferSize, transfer, token),
            TransferDirection.Download);
    }

    public static async ValueTask StorAsync(FtpConnection connection, string argument)
    {
        var offset = TakeRestartOffset(connection.Session);
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is { } path)
        {
            await ReceiveAsync(connection, "STOR", path, offset);
        }
    }

    /// <summary>Appends; a REST offset before it is discarded by the dispatcher (the table's Sequence column).</summary>
    public static async ValueTask AppeAsync(FtpConnection connection, string argument)
    {
        if (await PermissionGate.ResolveAsync(connection, argument, PermissionScope.Entry) is { } path)
        {
            await ReceiveAsync(connection, "APPE", path, offset: null);
        }
    }

    /// <summary>RFC 1123 §4.1.2.9: the 150 reply names the file as "FILE: name".</summary>
    public static async ValueTask StouAsync(FtpConnection connection, string argument)
    {
        var session = connection.Session;
        var baseName = argument.Length > 0 ? connection.Resolve(argument) : session.CurrentDirectory.Child("ferry-upload");
        if (!await PermissionGate.AllowsAsync(connection, baseName, PermissionScope.Entry))
        {
            return;
        }

        if (session.DataChannel is null)
        {
            await NoDataChannelAsync(connection);
            return;
        }

        if (await UploadPolicyCheck.BeforeUploadAsync(connection, "STOU", baseName, 0) is { } refusal)
        {
            await TransferRunner.RefuseAsync(connection, refusal);
            return;
        }

        for (var attempt = 0; attempt < 100; attempt++)
        {
            var candidate = attempt == 0 && argument.Length > 0
                ? baseName
                : baseName.Parent.Child(baseName.Name + "." + (attempt == 0 ? Random.Shared.Next(100000, 999999) : attempt).ToString(CultureInfo.InvariantCulture));
            IUpload file;
            try
            {
                file = await session.FileSystem!.BeginUploadAsync(candidate, UploadMode.CreateNew, 0, connection.Closing);
            }
            catch (StorageException e) when (e.Kind == StorageErrorKind.AlreadyExists)
            {
                continue;
            }
            catch (StorageException e)
            {
                OsPermissionRefusal.LogOnce(connection, e, "STOU", candidate.Value);
                AuditTrail.Refused(connection, "STOU", AuditAction.Upload, candidate.Value, null, AuditTrail.StorageReason(e.Kind));
                await TransferRunner.RefuseAsync(connection, StorageReplies.For(e));
                return;
            }

            await StartReceiveAsync(connection, "STOU", candidate, file, "FILE: " + candidate.Name);
            return;
        }

        await TransferRunner.RefuseAsync(connection, (FtpReplyCode.FileNameNotAllowed, "Could not find a unique file name."));
    }

    public static ValueTask AlloAsync(FtpConnection connection, string argument) =>
        connection.ReplyAsync(FtpReplyCode.CommandSuperfluous, "No storage allocation is needed.");

    /// <summary>RFC 3659 §5.3: a byte offset for the next RETR or STOR.</summary>
    public static ValueTask RestAsync(FtpConnection connection, string argument)
    {
        if (!long.TryParse(argument.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "REST needs a non-negative byte offset.");
        }

        connection.Session.RestartOffset = offset;
        return connection.ReplyAsync(FtpReplyCode.PendingFurtherInformation,
            string.Create(CultureInfo.InvariantCulture, $"Restarting at {offset}. Send STOR or RETR to continue."));
    }

    /// <summary>
    /// RFC 959 §4.1.3: a running transfer ends with 426, then ABOR itself gets 226. With nothing
    /// running, any prepared data connection is closed and the reply is 225.
    /// </summary>
    public static async ValueTask AborAsync(FtpConnection connection, string argument)
    {
        if (connection.CurrentTransfer is { } transfer)
        {
            transfer.Abort();
            await transfer.Completion;
            await connection.ReplyAsync(FtpReplyCode.ClosingDataConnection, "ABOR successful.");
            return;
        }

        await connection.Session.SetDataChannelAsync(null);
        await connection.ReplyAsync(FtpReplyCode.DataConnectionOpenNoTransfer, "No transfer to abort.");
    }

    /// <summary>
    /// STOR and APPE after the gate let them upload here. Changing a file that exists (resume,
    /// append, overwrite) also needs Overwrite; without it the file is created with "must not
    /// exist" semantics, so the check and the creation are one step and two uploads of one name
    /// cannot both win.
    /// </summary>
    private static async ValueTask ReceiveAsync(FtpConnection connection, string verb, VirtualPath path, long? offset)
    {
        var session = connection.Session;
        var fileSystem = session.FileSystem!;
        var mayOverwrite = PermissionGate.Grants(connection, UserPermissions.Overwrite, path, PermissionScope.Entry);
        if (offset > 0 && !mayOverwrite)
        {
            await PermissionGate.RefuseAsync(connection, UserPermissions.Overwrite, path, PermissionScope.Entry);
            return;
        }

        if (!mayOverwrite)
        {
            if (await OpenForTransferAsync(connection, verb, path, fs => fs.BeginUploadAsync(path, UploadMode.CreateNew, 0, connection.Closing), createOnly: path, uploadOffset: offset ?? -1) is { } created)
            {
                await StartReceiveAsync(connection, verb, path, created, $"Ok to send data for {path.Name}.");
            }

            return;
        }

        if (offset != 0 && !fileSystem.Capabilities.HasFlag(FileSystemCapabilities.Append))
        {
            await TransferRunner.RefuseAsync(connection, (FtpReplyCode.RequestedActionNotTaken, "This storage cannot resume or append."));
            return;
        }

        if (offset > 0 && ((await fileSystem.GetResumableEntryAsync(path, connection.Closing))?.Size ?? 0) < offset)
        {
            await TransferRunner.RefuseAsync(connection, (FtpReplyCode.RequestedActionNotTaken, "Invalid REST offset: the file is shorter."));
            return;
        }

        if (await OpenForTransferAsync(connection, verb, path, fs => fs.BeginUploadAsync(path, offset switch { null => UploadMode.Append, 0 => UploadMode.Replace, _ => UploadMode.Resume }, offset ?? 0, connection.Closing), uploadOffset: offset ?? -1) is not { } file)
        {
            return;
        }

        await StartReceiveAsync(connection, verb, path, file, $"Ok to send data for {path.Name}.");
    }

    private static ValueTask StartReceiveAsync(FtpConnection connection, string verb, VirtualPath path, IUpload upload, string opening)
    {
        var session = connection.Session;
        var options = connection.Options;
        var ascii = session.TransferType == TransferType.Ascii;
        var bufferSize = options.TransferBufferSize;
        // splice only for plain binary into local disk, as sendfile for RETR: TLS and ASCII need the bytes in user space.
        var localFile = !ascii && options.UseSplice && session.DataProtection == DataProtection.Clear
            && upload.TryGetLocalFile(out var local) ? local : null;
        var splice = localFile is not null;
        var file = upload.Content;
        return TransferRunner.StartAsync(connection, session.TakeDataChannel()!, verb, path, opening, upload, (socket, network, transfer, token) =>
            {
                // A quota's byte limit, asked by the pump as bytes arrive (splice never holds them in user space).
                transfer.Allowance = upload as IUploadAllowance;
                FerryLog.UploadMethod(connection.Logger, connection.Id, verb, path.Value, splice ? "splice" : "the copy loop");
                return splice
                    ? TransferPump.SpliceFromNetworkAsync(socket, network, localFile!, bufferSize, transfer,
                        reason => FerryLog.SpliceFallback(connection.Logger, connection.Id, verb, path.Value, transfer.BytesTransferred, reason), token)
                    : TransferPump.CopyFromNetworkAsync(network, file, ascii, bufferSize, transfer, token);
            },
            TransferDirection.Upload);
    }

    /// <summary>Opens the file a transfer needs; on failure replies, closes the prepared data connection and returns null.</summary>
    /// <param name="connection">The session.</param>
    /// <param name="verb">The transfer command, for the log.</param>
    /// <param name="path">The file, for the log.</param>
    /// <param name="open">Opens the file.</param>
    /// <param name="createOnly">Set when the file may only be created: that it exists already is then a permission denial (no Overwrite), not a storage error.</param>
    /// <param name="uploadOffset">For an upload, where it starts (0, a REST offset, -1 for APPE): the upload policy is asked first.</param>
    private static async ValueTask<T?> OpenForTransferAsync<T>(
        FtpConnection connection, string verb, VirtualPath path, Func<IFileSystem, ValueTask<T>> open, VirtualPath? createOnly = null, long? uploadOffset = null)
        where T : class
    {
        if (connection.Session.DataChannel is null)
        {
            await NoDataChannelAsync(connection);
            return null;
        }

        // A pre-upload hook (a name policy) is asked once the upload could start, and before
        // anything is created or a 150 is sent: never for a command refused anyway.
        if (uploadOffset is { } start && await UploadPolicyCheck.BeforeUploadAsync(connection, verb, path, start) is { } refusal)
        {
            await TransferRunner.RefuseAsync(connection, refusal);
            return null;
        }

        try
        {
            return await open(connection.Session.FileSystem!);
        }
        catch (StorageException e) when (e.Kind == StorageErrorKind.AlreadyExists && createOnly is { } created)
        {
            // open(2) with O_EXCL says EEXIST for a directory too; that is not an overwrite.
            if (await connection.Session.FileSystem!.GetEntryAsync(created, connection.Closing) is { IsDirectory: true })
            {
                AuditTrail.Refused(connection, verb, AuditTrail.CurrentAction(connection), created.Value, null, AuditTrail.StorageReason(StorageErrorKind.IsADirectory));
                await TransferRunner.RefuseAsync(connection, StorageReplies.For(StorageErrorKind.IsADirectory));
                return null;
            }

            await PermissionGate.RefuseAsync(connection, UserPermissions.Overwrite, created, PermissionScope.Entry);
            return null;
        }
        catch (StorageException e)
        {
            OsPermissionRefusal.LogOnce(connection, e, verb, path.Value);
            AuditTrail.Refused(connection, verb, AuditTrail.CurrentAction(connection), path.Value, null, AuditTrail.StorageReason(e.Kind));
            await TransferRunner.RefuseAsync(connection, StorageReplies.For(e));
            return null;
        }
    }

    private static long TakeRestartOffset(FtpSession session)
    {
        var offset = session.RestartOffset;
        session.RestartOffset = 0;
        return offset;
    }

    internal static ValueTask NoDataChannelAsync(FtpConnection connection) =>
        connection.ReplyAsync(FtpReplyCode.CannotOpenDataConnection, "Use PASV, EPSV, PORT or EPRT first.");
}
