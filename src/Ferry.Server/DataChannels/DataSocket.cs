using System.Net.Sockets;

namespace Ferry.Server.DataChannels;

internal static class DataSocket
{
    /// <summary>
    /// FIN, not RST: a client whose transfer was refused (e.g. 550 after EPSV) then reads a clean
    /// end of stream and reports the reply, not a socket error.
    /// </summary>
    public static void CloseGracefully(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        socket.Dispose();
    }
}
