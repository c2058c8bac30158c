using System.Net;
using System.Net.Sockets;

namespace Ferry.Server.DataChannels;

/// <summary>
/// Binds passive listeners in the configured range. It starts at a random port and walks the
/// range, so sessions spread over it and a port still in TIME_WAIT or taken by another program
/// is simply skipped; with no range the OS picks an ephemeral port. It counts the listeners it has
/// open (each one's channel hands it back once, <see cref="Return"/>) for the metrics and the
/// readiness check.
/// </summary>
internal sealed class PassivePortPool
{
    private readonly (int Min, int Max)? _range;
    private int _inUse;
    private volatile bool _exhausted;

    public PassivePortPool((int Min, int Max)? range) => _range = range;

    /// <summary>Listeners bound by this pool and not yet closed.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Ports in the range; null when the OS picks them (no range configured).</summary>
    public int? Capacity => _range is { } range ? range.Max - range.Min + 1 : null;

    /// <summary>
    /// The last PASV/EPSV found no free port in the range (our listeners, other programs' sockets
    /// and ports in TIME_WAIT together), and no bind has worked since: clients get 425 now.
    /// </summary>
    public bool Exhausted => _exhausted;

    public Socket Bind(IPAddress localAddress)
    {
        var socket = TryBindAny(localAddress);
        _exhausted = socket is null && _range is not null;
        if (socket is null)
        {
            throw new DataConnectionException(_range is null ? "No passive port available." : "All passive ports are in use.");
        }

        Interlocked.Increment(ref _inUse);
        return socket;
    }

    /// <summary>A listener from <see cref="Bind"/> was closed: called once per listener.</summary>
    public void Return() => Interlocked.Decrement(ref _inUse);

    private Socket? TryBindAny(IPAddress localAddress)
    {
        if (_range is not { } range)
        {
            return TryBind(localAddress, 0);
        }

        var count = range.Max - range.Min + 1;
        var start = Random.Shared.Next(count);
        for (var i = 0; i < count; i++)
        {
            var socket = TryBind(localAddress, range.Min + ((start + i) % count));
            if (socket is not null)
            {
                return socket;
            }
        }

        return null;
    }

    private static Socket? TryBind(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }
}
