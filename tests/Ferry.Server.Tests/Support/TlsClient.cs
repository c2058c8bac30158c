using System.Net.Security;
using System.Security.Authentication;

namespace Ferry.Server.Tests.Support;

/// <summary>.NET's own TLS client for the wire tests; it trusts the test server's self-signed certificate.</summary>
public static class TlsClient
{
    public static async Task<SslStream> AuthenticateAsync(Stream inner, SslProtocols protocols = SslProtocols.None)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            // The test servers use Ferry's generated self-signed certificate: accept exactly that kind.
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Subject.Contains("Ferry FTP server (self-signed)", StringComparison.Ordinal) == true,
        }, timeout.Token);
        return tls;
    }
}
