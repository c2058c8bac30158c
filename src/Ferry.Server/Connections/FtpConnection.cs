using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;
using Ferry.Server.Protocol;
using Ferry.Server.Security.Tls;
using Ferry.Server.Storage;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Connections;

/// <summary>
/// One control connection: reads CRLF-framed commands through a PipeReader and answers them in
/// order, while at most one data transfer runs beside it. The reader waits with zero-byte reads,
/// so an idle session holds no receive buffer (see shared/MEASURED.md: about 3.5 KiB per idle
/// session instead of 7.5 KiB with a default PipeReader).
/// </summary>
internal sealed class FtpConnection : IAsyncDisposable
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(
        bufferSize: 1024, minimumReadSize: 256, leaveOpen: true, useZeroByteReads: true);

    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private Stream _stream;
    private SslStream? _tls;
    private PipeReader _reader;
    private bool _tlsUpgradeRequested;
    private string? _controlTlsIdentity;
    private int _tlsTicketsOwed;
    private ITimer? _idleTimer;
    private long _lastCommandAt;
    private string? _registeredIdentity;
    private string? _countedUser;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly AdmissionTicket? _admission;
    private ITimer? _firstCommandDeadline;
    private bool _awaitingFirstCommand;
    private readonly long _startedAt;
    private readonly CancellationTokenSource _closing = new();
    private DataTransfer? _transfer;
    private volatile bool _closeRequested;
    private int _end = NoEndYet;
    private const int NoEndYet = -1;

    // admission: this connection's places in the session budgets; it follows logins (TrackLogin), the server gives them back at the end.
    public FtpConnection(long id, Socket socket, FtpServerContext server, AdmissionTicket? admission = null)
    {
        Id = id;
        _admission = admission;
        _socket = socket;
        Server = server;
        Options = server.Options;
        _startedAt = server.Time.GetTimestamp();
        ConnectedAt = server.Time.GetUtcNow();
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _network = new NetworkStream(socket, ownsSocket: false);
        _stream = _network;
        _reader = PipeReader.Create(_stream, ReaderOptions);
    }

    /// <summary>The control connection is TLS-protected (AUTH TLS or implicit FTPS).</summary>
    public bool IsSecure => _tls is not null;

    /// <summary>
    /// Before a data connection is prepared (PASV, EPSV, PORT, EPRT): one fresh TLS 1.3 ticket of
    /// this control connection's session, sent with that command's reply. Data connections issue no
    /// tickets of their own (see TlsSessionProbe), and a client whose TLS 1.3 session was used once
    /// may not offer it again, so each data connection resumes from a ticket fetched here. Runs on
    /// the command loop, never beside another use of this connection's TLS state.
    /// </summary>
    public void RefreshTlsTicket() => IssueTlsTickets(1);

    /// <summary>Queues TLS 1.3 tickets for the reply about to be written; only while no transfer could write beside it.</summary>
    private void IssueTlsTickets(int count)
    {
        if (_tls is not null && count > 0 && Server.SessionReuse.Available && CurrentTransfer is null)
        {
            TlsSessionProbe.PrepareControl(_tls, count);
            _tlsTicketsOwed = 0;
        }
    }

    /// <summary>
    /// Records who is logged in on this connection: for MaxSessionsPerUser (the caller has
    /// counted the user in with <see cref="FtpServerContext.SessionsPerUser"/>), and for the
    /// data-connection session-reuse check, where its TLS session identity vouches for data
    /// connections of this user from this address. Null logs out.
    /// </summary>
    public void TrackLogin(Security.FtpUser? user)
    {
        _admission?.SetLoggedIn(user is not null);
        if (_countedUser is not null)
        {
            Server.SessionsPerUser.Leave(_countedUser);
            _countedUser = null;
        }

        if (user is not null)
        {
            _countedUser = user.Name;
        }

        LoggedInAt = user is null ? null : Server.Time.GetUtcNow();

        var registry = Server.SessionReuse.Registry;
        if (_registeredIdentity is not null)
        {
            registry.Unregister(_registeredIdentity, Id);
            _registeredIdentity = null;
        }

        if (user is not null && _controlTlsIdentity is not null)
        {
            registry.Register(_controlTlsIdentity, Id, user.Name, RemoteAddress);
            _registeredIdentity = _controlTlsIdentity;
        }
    }

    public long Id { get; }

    /// <summary>When the control connection was accepted (wall clock, for people).</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>When the current login succeeded; null before login (and after REIN).</summary>
    public DateTimeOffset? LoggedInAt { get; private set; }

    /// <summary>This session as an administrator sees it now: a copy, safe to hand out of the engine.</summary>
    public Administration.SessionSnapshot Snapshot()
    {
        var now = Server.Time.GetUtcNow();
        var transfer = CurrentTransfer;
        Administration.TransferSnapshot? running = null;
        if (transfer is not null)
        {
            var bytes = transfer.BytesTransferred;
            var seconds = (now - transfer.StartedAt).TotalSeconds;
            running = new Administration.TransferSnapshot(
                transfer.Verb,
                transfer.Use switch { Protocol.DataChannelUse.Upload => "upload", Protocol.DataChannelUse.Download => "download", _ => "listing" },
                transfer.Path, bytes, transfer.StartedAt, seconds > 0 ? bytes / seconds : 0, transfer.Tls);
        }

        var user = Session.User;
        return new Administration.SessionSnapshot(
            Id,
            new IPEndPoint(RemoteAddress, RemoteEndPoint.Port),
            ConnectedAt,
            user?.Name,
            user is null ? null : LoggedInAt,
            IsSecure,
            Session.Command?.Verb,
            transfer is null ? Server.Time.GetElapsedTime(Interlocked.Read(ref _lastCommandAt) is var last and not 0 ? last : _startedAt) : TimeSpan.Zero,
            running);
    }

    /// <summary>
    /// An administrator ends this session (the admin API, `ferry kick`): a running transfer ends
    /// with 426, then the client reads 421 and the connection closes, as at a server stop.
    /// </summary>
    public Task DisconnectByAdministratorAsync()
    {
        NoteEnd(SessionEnd.Kicked);
        FerryLog.SessionDisconnectedByAdministrator(Logger, Id, Session.UserNameForLog, RemoteAddress);
        return ShutdownAsync("Disconnected by the server administrator.", TimeSpan.FromSeconds(5));
    }

    public FtpServerContext Server { get; }

    /// <summary>
    /// The settings this session started with: a reload (SIGHUP) gives new sessions new settings
    /// while this one keeps its own to the end.
    /// </summary>
    public FtpServerOptions Options { get; }

    /// <summary>
    /// The TLS settings (certificate) of this session's control connection; its data connections
    /// use the same, so they can resume its TLS session even after a reload brought a new certificate.
    /// </summary>
    public System.Net.Security.SslServerAuthenticationOptions? TlsServerOptions { get; private set; }

    public FtpSession Session { get; } = new();

    public IPEndPoint RemoteEndPoint { get; }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The client's address, IPv4-mapped addresses unwrapped.</summary>
    public IPAddress RemoteAddress => AddressRules.Normalize(RemoteEndPoint.Address);

    /// <summary>The address the client reached us on, IPv4-mapped addresses unwrapped.</summary>
    public IPAddress LocalAddress => AddressRules.Normalize(LocalEndPoint.Address);

    public DataTransfer? CurrentTransfer => Volatile.Read(ref _transfer);

    public ILogger Logger => Server.Logger;

    public async Task RunAsync(bool implicitTls)
    {
        // Every record of this session, its transfers' and timers' included, carries its scope.
        using var scope = Logger.BeginScope(new SessionLogScope(this));
        FerryLog.SessionStarted(Logger, Id, RemoteEndPoint);
        try
        {
            if (implicitTls)
            {
                // Implicit FTPS: TLS from the first byte, then the same session as after AUTH TLS.
                await StartTlsAsync();
            }

            // Armed before the greeting is written: on the plain port this still runs on the accept
            // loop's turn, so the connection is listed for eviction before the next one is admitted.
            StartFirstCommandDeadline();
            await ReplyAsync(FtpReplyCode.ServiceReady, Options.Banner);
            _lastCommandAt = Server.Time.GetTimestamp();
            _idleTimer = Server.Time.CreateTimer(static state => ((FtpConnection)state!).OnIdleTimer(), this, IdleLimit, Timeout.InfiniteTimeSpan);
            await ReadCommandsAsync(_closing.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or AuthenticationException)
        {
            // The client vanished, failed its TLS handshake, or the server is stopping: nothing to answer.
            NoteEnd(e is AuthenticationException ? SessionEnd.TlsFailed : SessionEnd.ClientClosed);
        }
        catch (Exception e)
        {
            NoteEnd(SessionEnd.Error);
            FerryLog.SessionFaulted(Logger, Id, e);
        }
        finally
        {
            var duration = Server.Time.GetElapsedTime(_startedAt);
            var end = HowItEnded();
            FerryLog.SessionEnded(Logger, Id, Session.UserNameForLog, duration.TotalSeconds);
            Server.Metrics.SessionEnded(end);
            Server.Events.SessionEnded(new SessionRecord(Id, RemoteAddress, Session.UserNameForLog, duration, end));
        }
    }

    /// <summary>The idle limit that applies now: a shorter one until the client has logged in.</summary>
    private TimeSpan IdleLimit => Session.IsLoggedIn ? Options.IdleTimeout : Options.LoginTimeout;

    /// <summary>
    /// The idle timer fired: a session quiet for its limit gets 421 and is closed. A running
    /// transfer, or a command since the timer was set, re-arms it for what is left.
    /// </summary>
    private void OnIdleTimer()
    {
        var limit = IdleLimit;
        var quiet = Server.Time.GetElapsedTime(Interlocked.Read(ref _lastCommandAt));
        if (CurrentTransfer is not null || quiet < limit)
        {
            _idleTimer?.Change(CurrentTransfer is not null ? limit : limit - quiet, Timeout.InfiniteTimeSpan);
            return;
        }

        NoteEnd(SessionEnd.Timeout);
        var reason = Session.IsLoggedIn
            ? $"Idle timeout ({limit.TotalSeconds:0} s without a command): closing control connection."
            : $"Login timeout ({limit.TotalSeconds:0} s): closing control connection.";
        _ = ShutdownAsync(reason, TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// FirstCommandTimeout: a one-shot timer from the greeting to the first complete command line,
    /// so a connection that sends nothing, or dribbles bytes with no line end (slowloris), gives
    /// its place back within seconds instead of holding it for the whole LoginTimeout. It is
    /// apart from the idle timer on purpose: that one restarts with every command, this one never does.
    /// </summary>
    private void StartFirstCommandDeadline()
    {
        _awaitingFirstCommand = true;
        var timeout = Options.FirstCommandTimeout;
        if (timeout > TimeSpan.Zero)
        {
            _firstCommandDeadline = Server.Time.CreateTimer(static state => ((FtpConnection)state!).OnFirstCommandDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
        }

        // Until then, a newer connection may take this one's place when the not-logged-in budget is full.
        _admission?.AwaitFirstCommand(() =>
        {
            FerryLog.EvictedForNewerConnection(Logger, Id);
            NoteEnd(SessionEnd.Evicted);
            _ = ShutdownAsync("Too many connections waiting for a first command: closing the oldest.", TimeSpan.FromSeconds(5));
        });
    }

    private void OnFirstCommandDeadline()
    {
        if (!Volatile.Read(ref _awaitingFirstCommand))
        {
            // The first command came as the timer fired.
            return;
        }

        var timeout = Options.FirstCommandTimeout;
        NoteEnd(SessionEnd.Timeout);
        FerryLog.FirstCommandTimedOut(Logger, Id, timeout);
        _ = ShutdownAsync($"No command within {timeout.TotalSeconds:0} s of the greeting: closing control connection.", TimeSpan.FromSeconds(5));
    }

    /// <summary>The first command line has come: the deadline is met (disposed at most once, on the command loop).</summary>
    private void EndFirstCommandDeadline()
    {
        if (!_awaitingFirstCommand)
        {
            return;
        }

        _awaitingFirstCommand = false;
        _firstCommandDeadline?.Dispose();
        _firstCommandDeadline = null;
        _admission?.FirstCommandReceived();
    }

    /// <summary>Sets the idle timer for what is left of the limit that applies now.</summary>
    /// <summary>
    /// A transfer verb that failed before its transfer began (the store unreachable while RETR
    /// looked the file up, a listing's folder unreadable) closes the data connection the client
    /// prepared, as every refused transfer does: the client gets the reply and then a FIN, not a
    /// connection that hangs open.
    /// </summary>
    private async ValueTask CloseRefusedDataChannelAsync()
    {
        if (Session.Command is { DataUse: not Protocol.DataChannelUse.None })
        {
            await Session.SetDataChannelAsync(null);
        }
    }

    private void RearmIdleTimer()
    {
        var left = IdleLimit - Server.Time.GetElapsedTime(Interlocked.Read(ref _lastCommandAt));
        try
        {
            _idleTimer?.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The session is ending.
        }
    }

    /// <summary>Remembers why the session ends, for the ferry.sessions metric; the first reason given stands.</summary>
    private void NoteEnd(SessionEnd end) => Interlocked.CompareExchange(ref _end, (int)end, NoEndYet);

    /// <summary>Why the session ended: a reason noted on the way, else what the command loop's end says.</summary>
    private SessionEnd HowItEnded()
    {
        var noted = Volatile.Read(ref _end);
        if (noted != NoEndYet)
        {
            return (SessionEnd)noted;
        }

        // The command loop ended without an exception: QUIT, the server closing after a refusal
        // (RequestClose: ban, too many failed logins), or the client's FIN.
        return ClientSaidQuit ? SessionEnd.Quit : _closeRequested ? SessionEnd.ServerClosed : SessionEnd.ClientClosed;
    }

    /// <summary>Sends one reply; text with line breaks becomes a multi-line reply (RFC 959 §4.2).</summary>
    public async ValueTask ReplyAsync(FtpReplyCode code, string text, CancellationToken cancellationToken = default)
    {
        var reply = ReplyFormatter.Format(code, text);
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            FerryLog.ReplySent(Logger, Id, reply.TrimEnd());
        }

        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(reply.Length));
        try
        {
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                var length = Encoding.UTF8.GetBytes(reply, bytes);
                await _stream.WriteAsync(bytes.AsMemory(0, length), cancellationToken);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public ValueTask ReplyAsync((FtpReplyCode Code, string Text) reply) => ReplyAsync(reply.Code, reply.Text);

    /// <summary>
    /// AUTH TLS (RFC 4217 §4): after its 234 reply the command loop starts TLS on this connection.
    /// Whatever the client sent behind the AUTH command is dropped unread, so plain-text commands
    /// cannot be injected into the protected session.
    /// </summary>
    public void RequestTlsUpgrade() => _tlsUpgradeRequested = true;

    /// <summary>The server will close the control connection after the current reply (QUIT, shutdown).</summary>
    public void RequestClose() => _closeRequested = true;

    /// <summary>Cancelled when the session is being shut down (login or idle timeout, server stop): for a handler that waits, such as a login waiting its turn.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>
    /// Server shutdown: the running transfer ends (426), the client hears 421, then the session
    /// closes. A client that reads nothing cannot hold this up: after <paramref name="grace"/>
    /// the socket is shut down, which also fails any write blocked on its full send buffer.
    /// </summary>
    public async Task ShutdownAsync(string reason, TimeSpan grace)
    {
        // The timers and eviction said why before calling; otherwise it is the server stopping.
        NoteEnd(SessionEnd.Shutdown);
        CurrentTransfer?.Abort();
        using var timeout = new CancellationTokenSource(grace, Server.Time);
        try
        {
            await WaitForTransferAsync().WaitAsync(timeout.Token);
            await ReplyAsync(FtpReplyCode.ServiceNotAvailable, reason, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone already, or reads nothing.
        }
        finally
        {
            RequestClose();
            try
            {
                await _closing.CancelAsync();
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed meanwhile by the client or by the session's own end.
            }
        }
    }

    /// <summary>Runs a transfer beside the command loop; ABOR, STAT, NOOP and QUIT stay answerable meanwhile.</summary>
    public void StartTransfer(DataTransfer transfer, Func<DataTransfer, Task> body)
    {
        Volatile.Write(ref _transfer, transfer);
        transfer.Completion = RunTransferAsync();

        async Task RunTransferAsync()
        {
            try
            {
                await body(transfer);
            }
            catch (Exception e) when (ClientDisconnect.IsClientGone(e))
            {
                // Typically the control connection reset while the transfer's last reply was written.
                FerryLog.ClientWentAway(Logger, Id, transfer.Description, ClientDisconnect.Reason(e));
            }
            catch (Exception e)
            {
                FerryLog.TransferFailed(Logger, Id, e);
            }
            finally
            {
                Interlocked.CompareExchange(ref _transfer, null, transfer);
                transfer.Dispose();

                // The session was busy until now: its idle time starts when the transfer ends.
                Interlocked.Exchange(ref _lastCommandAt, Server.Time.GetTimestamp());
                RearmIdleTimer();
            }
        }
    }

    /// <summary>Waits for the running transfer (if any) to end; used to keep replies in command order.</summary>
    public Task WaitForTransferAsync() => CurrentTransfer?.Completion ?? Task.CompletedTask;

    /// <summary>Resolves client path text against the current directory.</summary>
    public VirtualPath Resolve(string argument) => VirtualPath.Resolve(Session.CurrentDirectory, argument);

    /// <summary>
    /// Releases everything the connection holds. Every step runs whatever the steps before it
    /// threw: a TLS layer that throws on shutdown (OpenSSL's "shutdown while in init" after a
    /// refused renegotiation, issue 11 finding 1) must not leave the socket open or the session
    /// counted. A step that fails is logged at Debug; none of them is the client's business.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await ReleaseStepAsync("transfer", async () =>
        {
            if (CurrentTransfer is { } transfer)
            {
                transfer.Abort();
                await transfer.Completion;
            }
        });
        await ReleaseStepAsync("idle timer", async () =>
        {
            if (_idleTimer is not null)
            {
                await _idleTimer.DisposeAsync();
            }
        });
        await ReleaseStepAsync("first-command deadline", () =>
        {
            EndFirstCommandDeadline();
            return ValueTask.CompletedTask;
        });
        await ReleaseStepAsync("login", () =>
        {
            TrackLogin(null);
            return ValueTask.CompletedTask;
        });
        await ReleaseStepAsync("data channel", () => Session.SetDataChannelAsync(null));
        await ReleaseStepAsync("file system", () =>
        {
            Session.ReleaseFileSystem();
            return ValueTask.CompletedTask;
        });
        await ReleaseStepAsync("reader", () => _reader.CompleteAsync());
        if (_tls is { } tls)
        {
            await ReleaseStepAsync("TLS close_notify", async () =>
            {
                // close_notify on the control connection too, after QUIT or at shutdown (RFC 8446 §6.1).
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await tls.ShutdownAsync().WaitAsync(timeout.Token);
            });
            await ReleaseStepAsync("TLS", () => tls.DisposeAsync());
        }

        await ReleaseStepAsync("stream", () => _network.DisposeAsync());
        CloseSocket();
        _writeLock.Dispose();
        _closing.Dispose();
    }

    /// <summary>
    /// Server stop past its deadline: closes the socket under whatever is still running, so every
    /// pending read and write fails and the session's own end (and <see cref="DisposeAsync"/>) follows.
    /// </summary>
    public void Abort()
    {
        CurrentTransfer?.Abort();
        CloseSocket();
    }

    private void CloseSocket()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset by the client, or closed already.
        }

        _socket.Dispose();
    }

    private async ValueTask ReleaseStepAsync(string step, Func<ValueTask> release)
    {
        try
        {
            await release();
        }
        catch (Exception e)
        {
            FerryLog.ReleaseStepFailed(Logger, Id, step, e.GetType().Name, e.Message);
        }
    }

    private async Task ReadCommandsAsync(CancellationToken closing)
    {
        var maxLength = Options.MaxCommandLineLength;
        var discarding = false;
        while (!_closeRequested)
        {
            var result = await _reader.ReadAsync(closing);
            var buffer = result.Buffer;
            while (!_closeRequested && buffer.PositionOf((byte)'\n') is { } newline)
            {
                var line = buffer.Slice(0, newline);
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
                if (discarding)
                {
                    // The tail of an over-long line, already answered with 500.
                    discarding = false;
                    continue;
                }

                if (line.Length > maxLength)
                {
                    await ReplyAsync(FtpReplyCode.SyntaxError, "Command line too long.", closing);
                    continue;
                }

                // Pipelined lines still to run: the client is sending, and will read our replies.
                await ExecuteAsync(CommandLineParser.Parse(line), watchForHangUp: buffer.IsEmpty);
                if (_tlsUpgradeRequested)
                {
                    break;
                }
            }

            if (_tlsUpgradeRequested)
            {
                _tlsUpgradeRequested = false;
                _reader.AdvanceTo(result.Buffer.End);
                await _reader.CompleteAsync();
                await StartTlsAsync();
                continue;
            }

            if (!discarding && buffer.Length > maxLength)
            {
                // No line end within the limit: answer once, then drop bytes until the next LF,
                // so memory stays bounded whatever the client sends.
                await ReplyAsync(FtpReplyCode.SyntaxError, "Command line too long.", closing);
                discarding = true;
            }

            if (discarding)
            {
                buffer = buffer.Slice(buffer.End);
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Runs a command that did not finish at once (it waits on storage, a transfer, a connect)
    /// while watching the control connection: nobody reads it until the command returns, so a
    /// client that hangs up would go unnoticed until the idle timeout, and a storage call that
    /// hangs would hold the session for ever. A FIN or reset cancels <see cref="Closing"/>, which
    /// every storage call of a handler is given. Data the client sends meanwhile (a pipelined
    /// command, ABOR) ends the watch; the command loop reads it next. Not armed while pipelined
    /// lines wait in the buffer, so a client that sends its commands and then shuts down its
    /// sending side still gets every reply up to the last command. Most commands finish
    /// synchronously and pay nothing.
    /// </summary>
    private async ValueTask WatchingForHangUpAsync(ValueTask command, string verb)
    {
        if (command.IsCompleted)
        {
            await command;
            return;
        }

        using var stop = new CancellationTokenSource();
        var watch = WatchForHangUpAsync(verb, stop.Token);
        try
        {
            await command;
        }
        finally
        {
            await stop.CancelAsync();

            // The peek is over before the command loop reads the socket again.
            await watch;
        }
    }

    /// <summary>QUIT was received: a control connection closed after it is a clean ending, not a client that died.</summary>
    public bool ClientSaidQuit { get; set; }

    /// <summary>
    /// Whether the client has closed or reset the control connection (or the session is
    /// closing), without taking anything from it: readable with nothing to read is a FIN or a
    /// reset. A command the client sent (QUIT after its upload) keeps it open.
    /// </summary>
    public bool ControlConnectionGone()
    {
        if (ClientSaidQuit)
        {
            return false;
        }

        if (_closing.IsCancellationRequested)
        {
            return true;
        }

        try
        {
            return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private async Task WatchForHangUpAsync(string verb, CancellationToken stop)
    {
        bool gone;
        try
        {
            // MSG_PEEK takes nothing out of the stream, so TLS records and commands stay for the reader.
            gone = await _socket.ReceiveAsync(new byte[1], SocketFlags.Peek, stop) == 0;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (SocketException)
        {
            gone = true;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        if (gone)
        {
            FerryLog.ClientLeftDuringCommand(Logger, Id, verb);
            NoteEnd(SessionEnd.ClientClosed);
            RequestClose();
            await _closing.CancelAsync();
        }
    }

    /// <summary>Handshakes TLS on the control connection and reads commands through it from then on.</summary>
    private async Task StartTlsAsync()
    {
        var certificates = Server.Certificates ?? throw new InvalidOperationException("TLS is not configured.");
        var tls = new SslStream(_network, leaveInnerStreamOpen: true);
        TlsServerOptions = certificates.CreateServerOptions();
        using (var timeout = new CancellationTokenSource(Options.TlsHandshakeTimeout, Server.Time))
        {
            try
            {
                await tls.AuthenticateAsServerAsync(TlsServerOptions, timeout.Token);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !_closing.IsCancellationRequested)
            {
                NoteEnd(SessionEnd.TlsFailed);
                throw;
            }
        }

        Server.Metrics.TlsHandshake(TlsConnectionKind.Control, tls, Server.SessionReuse.Available);
        TlsRenegotiation.Refuse(tls);
        _controlTlsIdentity = Server.SessionReuse.AdoptControl(tls);
        _tlsTicketsOwed = 2;
        await _writeLock.WaitAsync();
        try
        {
            _tls = tls;
            _stream = tls;
        }
        finally
        {
            _writeLock.Release();
        }

        _reader = PipeReader.Create(tls, ReaderOptions);
    }

    private async ValueTask ExecuteAsync(FtpCommand command, bool watchForHangUp)
    {
        if (command.Verb.Length == 0)
        {
            return;
        }

        EndFirstCommandDeadline();

        Interlocked.Exchange(ref _lastCommandAt, Server.Time.GetTimestamp());

        if (Logger.IsEnabled(LogLevel.Debug))
        {
            FerryLog.CommandReceived(Logger, Id, command.ForLog);
        }

        // The tickets owed since the handshake go out with this command's reply.
        IssueTlsTickets(_tlsTicketsOwed);
        var wasLoggedIn = Session.IsLoggedIn;
        try
        {
            var dispatch = CommandDispatcher.DispatchAsync(this, command);
            await (watchForHangUp ? WatchingForHangUpAsync(dispatch, command.Verb) : dispatch);
            if (Session.IsLoggedIn != wasLoggedIn)
            {
                // The limit changed (LoginTimeout before login, IdleTimeout after): the timer was
                // set for the old one (issue 11 finding 11: an IdleTimeout of 10 s fired at 60 s).
                RearmIdleTimer();
            }
        }
        catch (StorageException e)
        {
            OsPermissionRefusal.LogOnce(this, e, command.Verb, command.Argument);
            await ReplyAsync(StorageReplies.For(e));
            await CloseRefusedDataChannelAsync();
        }
        catch (InvalidPathException)
        {
            await ReplyAsync(StorageReplies.InvalidPath);
            await CloseRefusedDataChannelAsync();
        }
        catch (Exception e) when (e is not (IOException or SocketException or ObjectDisposedException or OperationCanceledException))
        {
            FerryLog.CommandFailed(Logger, Id, command.Verb, e);
            await ReplyAsync(FtpReplyCode.LocalErrorInProcessing, "Requested action aborted: local error in processing.");
            await CloseRefusedDataChannelAsync();
        }
    }
}
