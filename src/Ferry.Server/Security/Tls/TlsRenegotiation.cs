using System.Net.Security;

namespace Ferry.Server.Security.Tls;

/// <summary>
/// Refuses TLS 1.2 renegotiation in OpenSSL itself. <see cref="SslServerAuthenticationOptions.AllowRenegotiation"/>
/// = false is not enough on Linux: OpenSSL still accepts the client's new ClientHello and starts
/// a handshake, and only then does SslStream throw ("renegotiation not allowed"), leaving the SSL
/// object "in init", where its shutdown throws too (issue 11, finding 1: a connection leaked per
/// `openssl s_client` + `R`). With SSL_OP_NO_RENEGOTIATION OpenSSL answers the ClientHello with a
/// no_renegotiation alert and goes on with the established session, as RFC 5746 §4.4 allows a
/// server that does not renegotiate. TLS 1.3 has no renegotiation (RFC 8446 §4.1.2).
/// </summary>
internal static class TlsRenegotiation
{
    /// <summary>Right after a handshake; false when the runtime's shape is not the known one (the read path then fails the connection, as before).</summary>
    public static bool Refuse(SslStream stream) =>
        TlsSessionProbe.WithSsl(stream, ssl => (NativeSsl.SSL_set_options(ssl, NativeSsl.OptionNoRenegotiation) & NativeSsl.OptionNoRenegotiation) != 0);
}
