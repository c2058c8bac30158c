using System.Net.Sockets;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;
using Ferry.Server.Protocol;
using Ferry.Server.Protocol.Handlers;
using Ferry.Server.Security.Tls;
using Ferry.Server.Storage;

namespace Ferry.Server.Connections;

/// <summary>
/// The shape every data transfer shares (RFC 959 §5.4 sequencing): open the data connection,
/// 150, move the bytes, then exactly one of 226 (done), 425 (no connection), 426 (connection
/// lost or ABOR), 451/452 (storage failed). It runs beside the command loop.
/// </summary>
internal static class TransferRunner
{
    /// <summary>What the transfer does once the data connection is open.</summary>
    public delegate Task Pump(Socket socket, Stream network, DataTransfer transfer, CancellationToken cancellationToken);

    /// <summary>
    /// Sends 150 and starts the transfer beside the command loop. The 150 is written before this
    /// returns, so a command pipelined behind the transfer command (NOOP, STAT) is answered after
    /// it (RFC 959 §4.2: replies in command order). Active mode connects before the 150, so a
    /// refused connect is a plain 425 (as vsftpd does); passive mode accepts after it, since
    /// the client may be waiting for the 150 before it connects. A file transfer names its
    /// <paramref name="rateLimited"/> direction and obeys the limits set for it; listings do not
    /// (they are small, and a client waiting on a throttled listing looks hung).
    /// </summary>
    public static async ValueTask StartAsync(
        FtpConnection connection,
        IDataChannel channel,
        string direction,
        VirtualPath path,
        string opening,
        IAsyncDisposable? resource,
        Pump pump,
        TransferDirection? rateLimited = null)
    {
        var started = false;
        var protect = connection.Session.DataProtection == DataProtection.Private;
        try
        {
            if (connection.Server.Draining)
            {
                // A graceful stop is waiting for the running transfers; none starts now.
                connection.RequestClose();
                await connection.ReplyAsync(FtpReplyCode.ServiceNotAvailable, "Server shutting down.");
                return;
            }

            if (!protect && SecurityCommands.DataTlsRequired(connection))
            {
                await connection.ReplyAsync(FtpReplyCode.DataProtectionRequired,
                    "Data connections from your address must be protected: send PBSZ 0 and PROT P (setting RequireDataTls).");
                return;
            }

            if (!channel.IsPassive)
            {
                try
                {
                    // ABOR is not read until this command returns; a session closing (client gone, idle, stop) ends the connect.
                    await channel.OpenAsync(connection.Closing);
                }
                catch (DataConnectionException)
                {
                    await connection.ReplyAsync(FtpReplyCode.CannotOpenDataConnection, "Cannot open data connection.");
                    return;
                }
            }

            if (protect && channel.SecuredAtAccept is { IsCompleted: false } handshake && channel.HandshakeBegun is { IsCompleted: true })
            {
                // The client began its data handshake before sending the command (basic-ftp, curl)
                // and may take the 150 as its cue to end the connection (basic-ftp does with an
                // empty upload, sometimes before its own Finished is out): the 150 waits for that
                // handshake, so an empty upload is whole when the client ends it. A client that
                // handshakes only after the 150 (Python's ftplib) has sent nothing yet, and is not
                // kept waiting. A failed handshake is reported by the transfer below (425).
                await ((Task)handshake).WaitAsync(connection.Options.TlsHandshakeTimeout)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await connection.ReplyAsync(FtpReplyCode.FileStatusOkay, opening);
            var throttle = rateLimited is { } way && connection.Session.User is { } user
                ? connection.Server.RateLimits.ForTransfer(user.Name, way, connection.Options, way == TransferDirection.Download ? user.DownloadRateLimit : user.UploadRateLimit)
                : null;
            if (throttle is not null)
            {
                FerryLog.TransferThrottled(connection.Logger, connection.Id, direction, path.Value, throttle.SessionRate, throttle.UserRate, throttle.ServerRate);
            }

            // The transfer owns the throttle from here: its Dispose (when the transfer ends, however) releases the user's bucket.
            var use = connection.Session.Command?.DataUse ?? DataChannelUse.None;
            var transfer = new DataTransfer($"{direction} {path}")
            {
                Throttle = throttle, Verb = direction, Path = path.Value, Use = use, StartedAt = connection.Server.Time.GetUtcNow(), Tls = protect,
            };
            connection.StartTransfer(transfer, t => RunAsync(connection, channel, protect, direction, use, path, resource, pump, t));
            started = true;
        }
        finally
        {
            if (!started)
            {
                // From here on the transfer owns both; until then they are ours to close.
                await channel.DisposeAsync();
                if (resource is not null)
                {
                    await DisposeQuietlyAsync(resource);
                }
            }
        }
    }

    /// <summary>
    /// Whether the client that just ended an upload's data connection has hung up its control
    /// connection too. A client that gives up (curl --max-time) closes the data connection and
    /// then the control one a few microseconds later, so a check made at once can fall between
    /// the two and commit a cut file. An upload that ran long enough for a giving-up to be likely
    /// waits a moment for the second close: 1% of its duration, at most 20 ms; one under 100 ms
    /// waits nothing, so small files keep their rate.
    /// </summary>
    private static async ValueTask<bool> ControlConnectionGoneAsync(FtpConnection connection, TimeSpan uploadDuration)
    {
        // The real clock: this waits on the network, whatever clock the session's timeouts run on.
        var grace = TimeSpan.FromTicks(Math.Min(uploadDuration.Ticks / 100, MaxHangUpGrace.Ticks));
        var waitingSince = TimeProvider.System.GetTimestamp();
        while (!connection.ControlConnectionGone())
        {
            if (TimeProvider.System.GetElapsedTime(waitingSince) >= grace)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1));
        }

        return true;
    }

    private static readonly TimeSpan MaxHangUpGrace = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// A transfer command refused before it starts (e.g. RETR of a missing file after EPSV): the
    /// reply first, then the prepared data connection closed with FIN, so the client reports the
    /// reply rather than a reset.
    /// </summary>
    public static async ValueTask RefuseAsync(FtpConnection connection, (FtpReplyCode Code, string Text) reply)
    {
        await connection.ReplyAsync(reply);
        await connection.Session.SetDataChannelAsync(null);
    }

    private static async Task RunAsync(
        FtpConnection connection,
        IDataChannel channel,
        bool protect,
        string direction,
        DataChannelUse use,
        VirtualPath path,
        IAsyncDisposable? resource,
        Pump pump,
        DataTransfer transfer)
    {
        var uploading = use == DataChannelUse.Upload;
        var completed = false;
        var started = connection.Server.Time.GetTimestamp();
        var result = "failed";
        var activity = FerryTracing.StartTransfer(connection, direction, path);

        // A failed transfer's file is aborted before its final reply, so a client that reconnects
        // at once (curl -C -, lftp put -c) finds what the abort left: a kept partial, or nothing.
        async ValueTask AbortResourceAsync()
        {
            if (resource is not null)
            {
                await DisposeQuietlyAsync(resource);
                resource = null;
            }
        }

        var token = transfer.AbortToken;
        var committed = false;
        (string Sha256, long Bytes)? computedSha256 = null;
        try
        {
            await using (channel)
            {
                try
                {
                    var socket = await channel.OpenAsync(token);
                    await using var watchdog = transfer.StartWatchdog(connection.Options.DataStallTimeout, connection.Server.Time);
                    await using var secured = protect ? await SecureAsync(connection, channel, socket, token) : null;
                    if (!protect && channel.SecuredAtAccept is not null)
                    {
                        throw new DataTlsException("Data protection changed after PASV/EPSV (PROT C): send PASV or EPSV again.");
                    }

                    // Only a TLS upload reads much; a download would hold the buffer for its close_notify alone.
                    if (secured is not null && !uploading)
                    {
                        secured.ReadAhead.StopReadingAhead();
                    }

                    await using var network = secured is null ? new NetworkStream(socket, ownsSocket: false) : null;
                    var tls = secured?.Tls;
                    await pump(socket, (Stream?)tls ?? network!, transfer, token);

                    // A missing close_notify means the upload may have been cut short; zero bytes
                    // cannot be a shortened file (basic-ftp ends an empty upload without one).
                    var truncated = uploading && tls is not null && transfer.BytesTransferred > 0 && TlsSessionProbe.ReceivedCloseNotify(tls) == false;
                    await CloseDataAsync(socket, tls, uploading);
                    if (truncated)
                    {
                        result = "ended without TLS close_notify";
                        if (connection.Options.RefuseUploadsWithoutCloseNotify)
                        {
                            await connection.ReplyAsync(FtpReplyCode.LocalErrorInProcessing,
                                "Upload ended without TLS close_notify and may be incomplete; send it again (setting RefuseUploadsWithoutCloseNotify).");
                            return;
                        }
                    }
                    if (resource is IUpload upload)
                    {
                        // In stream mode the end of the data connection is the end of the file
                        // (RFC 959 §3.4.1), so a client that died mid-upload looks like one that
                        // finished; its control connection tells them apart. Gone: no commit, and
                        // the disposal below aborts the upload.
                        if (await ControlConnectionGoneAsync(connection, connection.Server.Time.GetElapsedTime(started)))
                        {
                            result = "control connection lost before the upload was committed";
                            return;
                        }

                        // A pre-upload hook may still refuse the file now that every byte is in
                        // (a virus scan): not committed, the disposal below aborts it.
                        if (await UploadPolicyCheck.BeforeCommitAsync(connection, direction, upload, transfer.BytesTransferred, token) is { } refusal)
                        {
                            result = "refused by the upload policy";
                            await AbortResourceAsync();
                            await connection.ReplyAsync(refusal);
                            return;
                        }

                        // Commit before 226, so a client that reads the file next sees all of it;
                        // a resource not committed (any failure above) is disposed below: an abort.
                        await upload.CommitAsync(token);
                        committed = true;
                        computedSha256 = upload.Sha256 is { } sum ? (sum, upload.Content.Length) : null;
                    }

                    if (resource is not null)
                    {
                        await resource.DisposeAsync();
                        resource = null;
                    }

                    result = truncated ? "accepted without TLS close_notify" : "ok";
                    completed = true;
                    await connection.ReplyAsync(FtpReplyCode.ClosingDataConnection, "Transfer complete.");
                }
                catch (Exception) when (transfer.Stalled)
                {
                    await AbortResourceAsync();
                    result = "stalled";
                    await connection.ReplyAsync(FtpReplyCode.ConnectionClosedTransferAborted,
                        $"No data moved for {connection.Options.DataStallTimeout.TotalSeconds:0} s; transfer aborted.");
                }
                catch (Exception) when (transfer.AbortRequested)
                {
                    await AbortResourceAsync();
                    result = "aborted";
                    await connection.ReplyAsync(FtpReplyCode.ConnectionClosedTransferAborted, "Connection closed; transfer aborted.");
                }
                catch (DataTlsException e) when (e.EndedBeforeClientFinished && resource is IUpload upload)
                {
                    // Not a failed connection: an empty upload whose client hung up before its TLS Finished (DataTls).
                    try
                    {
                        await upload.CommitAsync(token);
                        result = "ok (empty; the client ended before its TLS Finished)";
                        completed = true;
                        await connection.ReplyAsync(FtpReplyCode.ClosingDataConnection, "Transfer complete.");
                    }
                    catch (StorageException storage)
                    {
                        result = "storage error " + storage.Kind;
                        AuditTrail.Refused(connection, direction, AuditAction.Upload, path.Value, null, AuditTrail.StorageReason(storage.Kind));
                        await connection.ReplyAsync(FtpReplyCode.LocalErrorInProcessing, "Requested action aborted: local error in processing.");
                    }
                }
                catch (DataConnectionException e)
                {
                    await AbortResourceAsync();
                    result = "no data connection";
                    FerryLog.NoDataConnection(connection.Logger, connection.Id, direction, path.Value,
                        e.InnerException is { } cause ? $"{e.Message} {cause.GetType().Name}: {cause.Message}" : e.Message);
                    await connection.ReplyAsync(FtpReplyCode.CannotOpenDataConnection, e is DataTlsException ? e.Message : "Cannot open data connection.");
                }
                catch (StorageException e)
                {
                    // The abort before the reply: a client that reads the 552 and looks (LIST,
                    // SITE QUOTA) finds the refused upload gone and not counted.
                    await AbortResourceAsync();
                    result = "storage error " + e.Kind;
                    if (uploading)
                    {
                        AuditTrail.Refused(connection, direction, AuditAction.Upload, path.Value, null, AuditTrail.StorageReason(e.Kind));
                    }

                    var reply = e.Kind is StorageErrorKind.InsufficientStorage or StorageErrorKind.QuotaExceeded || e.ClientReason is not null
                        ? StorageReplies.For(e)
                        : (FtpReplyCode.LocalErrorInProcessing, "Requested action aborted: local error in processing.");
                    await connection.ReplyAsync(reply);
                }
                catch (Exception e) when (ClientDisconnect.IsClientGone(e))
                {
                    await AbortResourceAsync();
                    result = "data connection lost";
                    await connection.ReplyAsync(FtpReplyCode.ConnectionClosedTransferAborted, "Data connection closed; transfer aborted.");
                }
                catch (Exception e)
                {
                    await AbortResourceAsync();
                    // A bug, not a client's doing: still one final reply, so the client never hangs.
                    result = "internal error";
                    FerryLog.TransferFailed(connection.Logger, connection.Id, e);
                    await connection.ReplyAsync(FtpReplyCode.LocalErrorInProcessing, "Requested action aborted: local error in processing.");
                }
            }
        }
        finally
        {
            if (resource is not null)
            {
                await DisposeQuietlyAsync(resource);
            }

            var duration = connection.Server.Time.GetElapsedTime(started);
            FerryLog.Transfer(connection.Logger, connection.Id, direction, path.Value, connection.Session.UserNameForLog,
                transfer.BytesTransferred, duration.TotalSeconds, result);
            string? sha256 = null;
            if (committed)
            {
                // After the 226 and the transfer's log line (its duration is the transfer's alone),
                // but before the transfer ends, so the next command (HASH) waits for the kept
                // checksum rather than reading the file again; and before the record, which
                // carries it to the xferlog and the upload hooks.
                sha256 = await UploadChecksumKeeper.KeepAsync(connection, direction, path, computedSha256, token);
            }

            var record = new TransferRecord(
                connection.Id, connection.RemoteAddress, connection.Session.UserNameForLog, connection.Session.IsAnonymous,
                direction, use,
                path.Value, transfer.BytesTransferred, duration, connection.Session.TransferType, protect, connection.IsSecure, completed, result, sha256);
            connection.Server.Events.TransferEnded(record);
            connection.Server.Metrics.TransferEnded(record, transfer.Throttle);
            FerryTracing.EndTransfer(activity, record);
            if (uploading && completed)
            {
                // A change to the files: the audit record follows the transfer's own line.
                AuditTrail.Done(connection, direction, AuditAction.Upload, path.Value);
            }
        }
    }

    /// <summary>The handshake a passive channel started at accept, or one started now (active, or PROT P sent after PASV).</summary>
    private static async Task<ProtectedDataConnection> SecureAsync(FtpConnection connection, IDataChannel channel, Socket socket, CancellationToken cancellationToken) =>
        channel.SecuredAtAccept is { } started
            ? await started.WaitAsync(cancellationToken)
            : await DataTls.AcceptAsync(connection, socket, channel.IsPassive, connection.Options.TlsHandshakeTimeout, cancellationToken);

    /// <summary>
    /// close_notify before FIN (FileZilla reports a TLS transfer without it as not properly shut
    /// down). After an upload every byte is already in: a client that has hung up by then (rclone
    /// closes right after its own close_notify) does not make the transfer fail.
    /// </summary>
    private static async ValueTask CloseDataAsync(Socket socket, System.Net.Security.SslStream? tls, bool uploading)
    {
        try
        {
            if (tls is not null)
            {
                await tls.ShutdownAsync();
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (uploading && e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncDisposable resource)
    {
        try
        {
            await resource.DisposeAsync();
        }
        catch (Exception)
        {
            // The transfer already failed; its reply is sent.
        }
    }
}
