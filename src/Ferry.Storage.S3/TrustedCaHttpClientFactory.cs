using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;

namespace Ferry.Storage.S3;

/// <summary>
/// HTTP for a store whose TLS certificate is signed by a private authority (CaFile): the chain
/// must end at a certificate of that file (custom trust, not added to the system's), and the name
/// must match, exactly as the system's own validation would require.
/// </summary>
internal sealed class TrustedCaHttpClientFactory(string caFile) : HttpClientFactory
{
    private readonly X509Certificate2Collection _authorities = LoadAuthorities(caFile);

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = clientConfig.ConnectTimeout ?? TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validate },
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = clientConfig.Timeout ?? TimeSpan.FromMinutes(5) };
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    public override string GetConfigUniqueString(IClientConfig clientConfig) => "ferry-ca:" + caFile;

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        return authorities;
    }
}
