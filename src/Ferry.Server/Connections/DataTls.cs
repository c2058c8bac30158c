using System.Net.Security;
using System.Security.Authentication;
using Ferry.Server.DataChannels;
using Ferry.Server.Security.Tls;

namespace Ferry.Server.Connections;

/// <summary>
/// TLS on a data connection (PROT P, RFC 4217 §9). The server side of the handshake starts once
/// the transfer starts; a client that began its handshake right after connecting (curl, lftp)
/// simply has its ClientHello read then, so both client habits work.
/// </summary>
internal static class DataTls
{
    public static async Task<SslStream> AcceptAsync(FtpConnection connection, Stream network, bool passive, CancellationToken cancellationToken)
    {
        var tls = new SslStream(network, leaveInnerStreamOpen: true);
        try
        {
            using var timeout = new CancellationTokenSource(connection.Server.Options.TlsHandshakeTimeout, connection.Server.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            await tls.AuthenticateAsServerAsync(connection.Server.Certificates!.CreateServerOptions(), linked.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await tls.DisposeAsync();
            throw new DataTlsException("TLS handshake on the data connection failed.", e);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        TlsRenegotiation.Refuse(tls);

        // RFC 4217 §10 leaves it to the server to tie a data connection to its control connection:
        // a resumed TLS session is what a third party on the same address cannot produce.
        if (connection.Server.SessionReuse.Check(connection, tls, passive) is { } refusal)
        {
            await tls.DisposeAsync();
            throw new DataTlsException(refusal);
        }

        return tls;
    }
}
