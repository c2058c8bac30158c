using System.Net;
using System.Net.Sockets;

namespace Ferry.Server.DataChannels;

/// <summary>
/// PORT/EPRT: the server connects to the client when the transfer starts (RFC 959 §3.2), from
/// the control connection's local address. The target was checked when the command arrived
/// (the control peer's address, port 1024 or above), which stops FTP bounce attacks (RFC 2577 §3).
/// </summary>
internal sealed class ActiveDataChannel : IDataChannel
{
    private readonly IPEndPoint _target;
    private readonly IPAddress _localAddress;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private Socket? _socket;

    public ActiveDataChannel(IPEndPoint target, IPAddress localAddress, TimeSpan timeout, TimeProvider time)
    {
        _target = target;
        _localAddress = localAddress;
        _timeout = timeout;
        _time = time;
    }

    public bool IsPassive => false;

    /// <summary>Connects on the first call; later calls return the same connection.</summary>
    public async ValueTask<Socket> OpenAsync(CancellationToken cancellationToken)
    {
        if (_socket is not null)
        {
            return _socket;
        }

        var socket = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(_localAddress, 0));
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

    public ValueTask DisposeAsync()
    {
        if (_socket is not null)
        {
            DataSocket.CloseGracefully(_socket);
        }

        return ValueTask.CompletedTask;
    }
}
