using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Server.Security.Tls;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Tls;

/// <summary>Configured certificates (PEM with key, PFX) and their reload without a restart.</summary>
public sealed class CertificateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ferry-cert-").FullName;

    [Fact]
    public async Task A_renewed_pem_certificate_is_used_for_new_connections_without_a_restart()
    {
        var certificateFile = Path.Combine(_folder, "cert.pem");
        var keyFile = Path.Combine(_folder, "key.pem");
        var first = WritePem(certificateFile, keyFile, "first");
        await using var server = await TestServer.StartAsync(certificates: TlsCertificateProvider.Create(certificateFile, keyFile, null, _folder));
        Assert.Equal(first, await ServerThumbprintAsync(server));

        // An open session survives the renewal.
        await using var open = await server.ConnectAsync(login: false);
        await open.CommandAsync("AUTH TLS", 234);
        await open.StartTlsAsync();

        var second = WritePem(certificateFile, keyFile, "second");
        File.SetLastWriteTimeUtc(certificateFile, DateTime.UtcNow.AddSeconds(5));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string seen;
        do
        {
            await Task.Delay(500);
            seen = await ServerThumbprintAsync(server);
        }
        while (seen != second && DateTime.UtcNow < deadline);

        Assert.Equal(second, seen);
        await open.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_pfx_with_a_password_is_loaded()
    {
        var pfx = Path.Combine(_folder, "server.pfx");
        using var certificate = Create("pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "s3cret"));
        await using var server = await TestServer.StartAsync(certificates: TlsCertificateProvider.Create(pfx, null, "s3cret", _folder));
        Assert.Equal(certificate.Thumbprint, await ServerThumbprintAsync(server));
    }

    [Fact]
    public void The_generated_certificate_is_kept_private_and_reused()
    {
        var first = TlsCertificateProvider.Create(null, null, null, _folder).Description;
        var file = Path.Combine(_folder, "tls", "self-signed.pfx");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(first, TlsCertificateProvider.Create(null, null, null, _folder).Description);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<string> ServerThumbprintAsync(TestServer server)
    {
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("AUTH TLS", 234);
        await ftp.StartTlsAsync();
        return ftp.RemoteCertificateThumbprint!;
    }

    private static string WritePem(string certificateFile, string keyFile, string name)
    {
        using var certificate = Create(name);
        File.WriteAllText(keyFile, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        return certificate.Thumbprint;
    }

    /// <summary>The test client trusts certificates of Ferry's self-signed kind only, so these carry the same organisation.</summary>
    private static X509Certificate2 Create(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}, O=Ferry FTP server (self-signed)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var signed = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(signed.Export(X509ContentType.Pkcs12), null);
    }
}
