using System.Net;
using System.Net.Sockets;

namespace Ferry.Server.DataChannels;

/// <summary>
/// Binds passive listeners in the configured range. It starts at a random port and walks the
/// range, so sessions spread over it and a port still in TIME_WAIT or taken by another program
/// is simply skipped; with no range the OS picks an ephemeral port.
/// </summary>
internal sealed class PassivePortPool
{
    private readonly (int Min, int Max)? _range;

    public PassivePortPool((int Min, int Max)? range) => _range = range;

    public Socket Bind(IPAddress localAddress)
    {
        if (_range is not { } range)
        {
            return TryBind(localAddress, 0) ?? throw new DataConnectionException("No passive port available.");
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

        throw new DataConnectionException("All passive ports are in use.");
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
