using System.Net.Sockets;
using System.Security.Authentication;

namespace Ferry.Server.Connections;

/// <summary>
/// Tells a client going away (reset, broken pipe, end of stream mid-TLS, a socket closed under
/// the operation) from the server's own faults. A client can go away as often as it likes, so
/// that is one Information line without a stack trace; stack traces are for our bugs (issue 11
/// finding 10: 2,000 resets wrote 1,135 Error records of 4 KB each).
/// </summary>
internal static class ClientDisconnect
{
    public static bool IsClientGone(Exception exception) => exception switch
    {
        SocketException or IOException or ObjectDisposedException or AuthenticationException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsClientGone),
        _ => false,
    };

    /// <summary>One line for the log: the socket error when there is one ("ConnectionReset"), else the message.</summary>
    public static string Reason(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode.ToString();
            }
        }

        return exception.Message.ReplaceLineEndings(" ");
    }
}
