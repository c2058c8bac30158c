using System.Net;
using System.Net.Sockets;

namespace Ferry.Server.DataChannels;

/// <summary>
/// The one way Ferry binds a TCP socket, whoever binds it (the server itself, the privileged
/// helper, the socket-activation fallback): "::" is dual stack, so IPv4 clients arrive as
/// IPv4-mapped addresses; port 20 is shared by SO_REUSEADDR, since many active-mode data
/// connections leave from it at once, each to another client (vsftpd sets it too).
/// </summary>
internal static class TcpBinding
{
    /// <summary>RFC 959 §3.2: the server's data port is L-1, 20 for the standard control port 21.</summary>
    public const int ServerDataPort = 20;

    /// <summary>A socket bound to <paramref name="endPoint"/>, neither listening nor connected; SocketException when the bind fails.</summary>
    public static Socket Bind(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            if (endPoint.Port == ServerDataPort)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
