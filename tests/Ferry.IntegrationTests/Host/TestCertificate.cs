using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// A self-signed server certificate written as two PEM files (certificate, key), the way certbot
/// leaves them, for `Server:CertificateFile` and `Server:CertificateKeyFile`; its SHA-256 is what
/// a client sees and what the reload log line names.
/// </summary>
internal sealed record TestCertificate(string CertificateFile, string KeyFile, string Sha256)
{
    /// <summary>Writes NAME.crt.pem and NAME.key.pem into <paramref name="folder"/> (readable by the account the server drops to).</summary>
    public static TestCertificate Write(string folder, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=localhost, O=Ferry reload test {name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        Directory.CreateDirectory(folder);
        var certificateFile = Path.Combine(folder, name + ".crt.pem");
        var keyFile = Path.Combine(folder, name + ".key.pem");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem() + "\n");
        return new TestCertificate(certificateFile, keyFile, certificate.GetCertHashString(HashAlgorithmName.SHA256));
    }
}
