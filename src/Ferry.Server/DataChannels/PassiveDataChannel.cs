using System.Net;
using System.Net.Sockets;
using Ferry.Server.Connections;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.DataChannels;

/// <summary>
/// A passive listener (PASV/EPSV) that accepts exactly one connection, and only from the control
/// connection's peer address: a connection from anywhere else is closed at once and logged, so
/// a third party cannot steal the transfer (the "data connection theft" that pyftpdlib and
/// vsftpd's pasv_promiscuous=NO also refuse). Accepting starts right away, since clients connect
/// as soon as they read the 227/229 reply, before they send the transfer command.
/// </summary>
internal sealed class PassiveDataChannel : IDataChannel
{
    private readonly Socket _listener;
    private readonly IPAddress _expectedPeer;
    private readonly ILogger _logger;
    private readonly long _sessionId;
    private readonly PassiveListenerReservation _reservation;
    private readonly PassivePortPool? _pool;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Task<Socket> _accepted;
    private readonly Task<ProtectedDataConnection>? _secured;
    private readonly TaskCompletionSource _handshakeBegun = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long closing waits for the accept of a connection already in the backlog (it completes at once unless the machine is stalled).</summary>
    private static readonly TimeSpan PendingAcceptGrace = TimeSpan.FromMilliseconds(200);

    // reservation: this listener's place in MaxPassiveListenersPerAddress, given back once a transfer has its connection, the wait is over or the channel closes.
    // secureAtAccept: the TLS handshake to start on the accepted connection (PROT P), or null.
    // pool: where the listener came from; it is handed back once, when the listener closes.
    public PassiveDataChannel(Socket listener, IPAddress expectedPeer, TimeSpan timeout, TimeProvider time, ILogger logger, long sessionId, PassiveListenerReservation reservation,
        Func<Socket, Action, CancellationToken, Task<ProtectedDataConnection>>? secureAtAccept = null, PassivePortPool? pool = null)
    {
        _listener = listener;
        _pool = pool;
        _reservation = reservation;
        _expectedPeer = expectedPeer;
        _logger = logger;
        _sessionId = sessionId;
        _accepted = AcceptAsync(timeout, time);
        _secured = secureAtAccept is null ? null : SecureAsync(secureAtAccept);
    }

    public bool IsPassive => true;

    public Task<ProtectedDataConnection>? SecuredAtAccept => _secured;

    public Task? HandshakeBegun => _secured is null ? null : _handshakeBegun.Task;

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public async ValueTask<Socket> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _accepted.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException && !cancellationToken.IsCancellationRequested)
        {
            throw new DataConnectionException("No data connection was made in time.", e);
        }
        finally
        {
            // The transfer has its connection (or none will come): the listener is no longer pending.
            _reservation.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A client that has connected but is not accepted yet would get a reset when the listener
        // closes: take its connection first, so it ends with a FIN like one accepted earlier.
        if (!_accepted.IsCompleted && HasPendingConnection())
        {
            await ((Task)_accepted).WaitAsync(PendingAcceptGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _lifetime.CancelAsync();
        _listener.Dispose();
        if (_secured is not null)
        {
            try
            {
                // Unused, or already closed by its transfer (closing twice is harmless): close_notify is the transfer's to send.
                await (await _secured).DisposeAsync();
            }
            catch (Exception)
            {
                // No connection, or its handshake failed: the transfer (if any) has reported it.
            }
        }

        try
        {
            var socket = await _accepted;
            DataSocket.CloseGracefully(socket);
        }
        catch (Exception)
        {
            // Nothing was accepted; the listener is gone either way.
        }

        _reservation.Release();
        _lifetime.Dispose();
    }

    private bool HasPendingConnection()
    {
        try
        {
            return _listener.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts the TLS handshake as soon as the connection is accepted, before the transfer command
    /// arrives: a client that hangs up as soon as its side is done (basic-ftp with an empty
    /// upload) would otherwise find nobody answering its ClientHello.
    /// </summary>
    private async Task<ProtectedDataConnection> SecureAsync(Func<Socket, Action, CancellationToken, Task<ProtectedDataConnection>> secure)
    {
        var socket = await _accepted;

        // HandshakeBegun completes as the ClientHello is read, before the handshake can answer it.
        return await secure(socket, () => _handshakeBegun.TrySetResult(), _lifetime.Token);
    }

    private async Task<Socket> AcceptAsync(TimeSpan timeout, TimeProvider time)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _lifetime.Token);
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(linked.Token);
                var remote = ((IPEndPoint)socket.RemoteEndPoint!).Address;
                if (AddressRules.SameHost(remote, _expectedPeer))
                {
                    return socket;
                }

                FerryLog.ForeignDataConnection(_logger, _sessionId, AddressRules.Normalize(remote), AddressRules.Normalize(_expectedPeer));
                socket.Dispose();
            }
        }
        catch
        {
            // Given up (the timeout, or the channel closed): the port is free again, so the place is too.
            _reservation.Release();
            throw;
        }
        finally
        {
            // One connection per listener: stop listening as soon as it is made (or given up).
            // This runs once per channel, whatever ends the wait, so the pool's count stays exact.
            _listener.Dispose();
            _pool?.Return();
        }
    }
}
