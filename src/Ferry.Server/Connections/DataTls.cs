using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security.Tls;

namespace Ferry.Server.Connections;

/// <summary>
/// TLS on a data connection (PROT P, RFC 4217 §9). A passive connection starts the server side
/// of its handshake as soon as it is accepted (see PassiveDataChannel): a client that sends its
/// ClientHello right after connecting (curl, lftp, basic-ftp) has it answered at once, even if
/// it hangs up right after its own side is done (an empty upload), and a client that waits for
/// the 150 first (Python's ftplib) simply has its ClientHello read then. The server never speaks
/// first in TLS, so starting early adds no round trip. An active connection, which we open after
/// the transfer command, starts its handshake once the transfer starts.
/// </summary>
internal static class DataTls
{
    // timeout: how long the client has to finish its handshake from now.
    // clientSpoke: called once the client's first bytes (its ClientHello) are in, before any reply goes out.
    public static async Task<ProtectedDataConnection> AcceptAsync(
        FtpConnection connection, Socket socket, bool passive, TimeSpan timeout, CancellationToken cancellationToken, Action? clientSpoke = null)
    {
        var network = new NetworkStream(socket, ownsSocket: false);

        // Read in large blocks (an upload's records); a download gives the buffer back after the handshake.
        var readAhead = new ReadAheadStream(network, connection.Options.TransferBufferSize) { FirstRead = clientSpoke };
        var tls = new SslStream(readAhead, leaveInnerStreamOpen: true);
        var secured = new ProtectedDataConnection(tls, readAhead, network);
        try
        {
            using var deadline = new CancellationTokenSource(timeout, connection.Server.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            await tls.AuthenticateAsServerAsync(connection.TlsServerOptions ?? connection.Server.Certificates!.CreateServerOptions(), linked.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // basic-ftp (Node) ending an empty upload sometimes closes before its own Finished
            // is out (a packet trace shows ClientHello, the server's flight, then FIN): a
            // resumed TLS 1.3 session of this login proves the connection was the client's.
            var endedEarly = e is IOException && connection.Server.SessionReuse.ProvesOwnResumption(connection, tls);
            await secured.DisposeAsync();
            throw new DataTlsException("TLS handshake on the data connection failed.", e) { EndedBeforeClientFinished = endedEarly };
        }
        catch
        {
            await secured.DisposeAsync();
            throw;
        }

        connection.Server.Metrics.TlsHandshake(TlsConnectionKind.Data, tls, connection.Server.SessionReuse.Available);
        TlsRenegotiation.Refuse(tls);

        // RFC 4217 §10 leaves it to the server to tie a data connection to its control connection:
        // a resumed TLS session is what a third party on the same address cannot produce.
        if (connection.Server.SessionReuse.Check(connection, tls, passive) is { } refusal)
        {
            await secured.DisposeAsync();
            throw new DataTlsException(refusal);
        }

        return secured;
    }
}
