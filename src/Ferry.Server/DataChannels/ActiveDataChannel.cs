using Ferry.Server.Connections;
using System.Net;
using System.Net.Sockets;

namespace Ferry.Server.DataChannels;

/// <summary>
/// PORT/EPRT: the server connects to the client when the transfer starts (RFC 959 §3.2), from
/// the control connection's local address. The target was checked when the command arrived
/// (the control peer's address, port 1024 or above), which stops FTP bounce attacks (RFC 2577 §3).
/// With ActiveModeSourcePort20 the connection comes from port 20, RFC 959's default server data
/// port (L-1, §3.2), bound by the <see cref="IPrivilegedSocketSource"/> when the process cannot.
/// </summary>
internal sealed class ActiveDataChannel : IDataChannel
{
    private readonly IPEndPoint _target;
    private readonly IPAddress _localAddress;
    private readonly TimeSpan _timeout;

    private readonly TimeProvider _time;
    private readonly bool _fromPort20;
    private readonly IPrivilegedSocketSource? _socketSource;
    private Socket? _socket;

    public ActiveDataChannel(IPEndPoint target, IPAddress localAddress, TimeSpan timeout, TimeProvider time,
        bool fromPort20 = false, IPrivilegedSocketSource? socketSource = null)
    {
        _target = target;
        _localAddress = localAddress;
        _timeout = timeout;
        _time = time;
        _fromPort20 = fromPort20;
        _socketSource = socketSource;
    }

    public bool IsPassive => false;

    /// <summary>We connect only after the transfer command, so the transfer starts the handshake.</summary>
    public Task<ProtectedDataConnection>? SecuredAtAccept => null;

    public Task? HandshakeBegun => null;

    /// <summary>Connects on the first call; later calls return the same connection.</summary>
    public async ValueTask<Socket> OpenAsync(CancellationToken cancellationToken)
    {
        if (_socket is not null)
        {
            return _socket;
        }

        Socket socket;
        try
        {
            socket = await BindAsync(cancellationToken);
        }
        catch (SocketException e)
        {
            throw new DataConnectionException("Could not bind the data connection's source port.", e);
        }

        try
        {
            using var deadline = new CancellationTokenSource(_timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            await socket.ConnectAsync(_target, linked.Token);
            _socket = socket;
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new DataConnectionException("Could not connect to the PORT/EPRT address.", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async ValueTask<Socket> BindAsync(CancellationToken cancellationToken)
    {
        if (_fromPort20 && _socketSource is not null)
        {
            return await _socketSource.BindAsync(new IPEndPoint(_localAddress, TcpBinding.ServerDataPort), cancellationToken);
        }

        return TcpBinding.Bind(new IPEndPoint(_localAddress, _fromPort20 ? TcpBinding.ServerDataPort : 0));
    }

    public ValueTask DisposeAsync()
    {
        if (_socket is not null)
        {
            DataSocket.CloseGracefully(_socket);
        }

        return ValueTask.CompletedTask;
    }
}
