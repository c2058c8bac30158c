using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.Server.Security.Tls;

/// <summary>
/// The server certificate for FTPS: a configured PEM (certificate with chain, and key) or PFX
/// file, or else a self-signed certificate generated on first start and kept in the state folder.
/// Configured files are checked for changes at most every few seconds and reloaded, so a
/// certificate renewed by certbot takes effect without a restart and without dropping sessions
/// (a session keeps the certificate it was handshaken with).
/// </summary>
public sealed class TlsCertificateProvider
{
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    private string? _certificateFile;
    private string? _keyFile;
    private string? _password;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private SslStreamCertificateContext _context;
    private DateTime _loadedWriteTime;
    private long _lastCheck;

    private TlsCertificateProvider(string? certificateFile, string? keyFile, string? password, SslStreamCertificateContext context, TimeProvider time)
    {
        _certificateFile = certificateFile;
        _keyFile = keyFile;
        _password = password;
        _context = context;
        _time = time;
        _lastCheck = time.GetTimestamp();
        _loadedWriteTime = LatestWriteTime();
    }

    /// <summary>The certificate's subject and SHA-256 fingerprint, for the start-up log.</summary>
    public string Description
    {
        get
        {
            var certificate = _context.TargetCertificate;
            return $"{certificate.Subject} (SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)}, until {certificate.NotAfter:yyyy-MM-dd})";
        }
    }

    /// <summary>When the certificate in use expires (a renewed file is picked up as for handshakes): for the readiness check.</summary>
    public DateTimeOffset NotAfter => new(Current.TargetCertificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>
    /// From the configured files when <paramref name="certificateFile"/> is set (PEM with
    /// <paramref name="keyFile"/>, or PFX); otherwise the generated certificate in <paramref name="stateDirectory"/>.
    /// Throws <see cref="CryptographicException"/> or <see cref="IOException"/> for unreadable files.
    /// </summary>
    public static TlsCertificateProvider Create(string? certificateFile, string? keyFile, string? password, string stateDirectory, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (!string.IsNullOrWhiteSpace(certificateFile))
        {
            return new TlsCertificateProvider(certificateFile, keyFile, password, Load(certificateFile, keyFile, password), time);
        }

        return new TlsCertificateProvider(null, null, null, LoadOrGenerateSelfSigned(stateDirectory), time);
    }

    /// <summary>
    /// Options for one handshake: TLS 1.2 and 1.3 only, no renegotiation, and the shared
    /// certificate context (which is also what lets OpenSSL resume sessions across connections:
    /// .NET caches one SSL_CTX per certificate context and protocol set).
    /// </summary>
    public SslServerAuthenticationOptions CreateServerOptions() => OptionsFor(Current);

    /// <summary>
    /// Runs after a renewed certificate was loaded, with the new options: the server warms up the
    /// new OpenSSL context there, so the session-reuse check covers the next handshake too.
    /// </summary>
    internal Action<SslServerAuthenticationOptions>? Reloaded { get; set; }

    private static SslServerAuthenticationOptions OptionsFor(SslStreamCertificateContext context) => new()
    {
        ServerCertificateContext = context,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificateRequired = false,
        AllowRenegotiation = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        EncryptionPolicy = EncryptionPolicy.RequireEncryption,

        // No CipherSuitesPolicy: with one, .NET gives every connection its own OpenSSL SSL_CTX
        // and no session can be resumed (measured: `openssl s_client -reconnect` never "Reused"),
        // which data-connection session reuse needs. The system OpenSSL's defaults apply
        // (Debian: SECLEVEL 2, forward-secret suites first).
    };

    private SslStreamCertificateContext Current
    {
        get
        {
            if (_certificateFile is null || _time.GetElapsedTime(Interlocked.Read(ref _lastCheck)) < RecheckInterval)
            {
                return _context;
            }

            lock (_lock)
            {
                Interlocked.Exchange(ref _lastCheck, _time.GetTimestamp());
                try
                {
                    var written = LatestWriteTime();
                    if (written != _loadedWriteTime)
                    {
                        _context = Load(_certificateFile, _keyFile, _password);
                        _loadedWriteTime = written;
                        if (Reloaded is { } reloaded)
                        {
                            var options = OptionsFor(_context);
                            _ = Task.Run(() => reloaded(options));
                        }
                    }
                }
                catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
                {
                    // A half-written renewal, or files this account may not even look at (certbot's
                    // 0700 live/ folder, read at start as root before the drop to RunAsUser; the
                    // look used to be outside this catch, so every AUTH TLS failed 5 s after the
                    // start): keep serving the loaded certificate and look again later.
                }

                return _context;
            }
        }
    }

    /// <summary>The certificate served now: its end of validity is a readiness check.</summary>
    public X509Certificate2 Certificate => _context.TargetCertificate;

    /// <summary>
    /// A reload (SIGHUP): the configured files are read now, even when unchanged on disk (or,
    /// with none configured, the generated certificate in <paramref name="stateDirectory"/>).
    /// Throws, and keeps serving the current certificate, when the new files do not load.
    /// New handshakes use the new certificate; sessions already in TLS keep theirs.
    /// Returns null when the certificate was read again; otherwise the reason the running one
    /// stays: the same files as before, which this account may not read (loaded as root before
    /// the drop to RunAsUser). That is no reason to refuse the rest of a reload.
    /// </summary>
    internal string? Reload(string? certificateFile, string? keyFile, string? password, string stateDirectory)
    {
        var configured = !string.IsNullOrWhiteSpace(certificateFile);
        SslStreamCertificateContext context;
        try
        {
            context = configured ? Load(certificateFile!, keyFile, password) : LoadOrGenerateSelfSigned(stateDirectory);
        }
        catch (UnauthorizedAccessException e) when (configured && IsLoadedFrom(certificateFile!, keyFile, password))
        {
            return e.Message;
        }

        lock (_lock)
        {
            _certificateFile = configured ? certificateFile : null;
            _keyFile = configured ? keyFile : null;
            _password = configured ? password : null;
            _context = context;
            _loadedWriteTime = LatestWriteTime();
            Interlocked.Exchange(ref _lastCheck, _time.GetTimestamp());
        }

        if (Reloaded is { } reloaded)
        {
            var options = OptionsFor(context);
            _ = Task.Run(() => reloaded(options));
        }

        return null;
    }

    /// <summary>Whether these are the settings the certificate in use was loaded with.</summary>
    private bool IsLoadedFrom(string certificateFile, string? keyFile, string? password)
    {
        lock (_lock)
        {
            return certificateFile == _certificateFile
                && NullIfBlank(keyFile) == NullIfBlank(_keyFile)
                && NullIfBlank(password) == NullIfBlank(_password);
        }

        static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private DateTime LatestWriteTime()
    {
        if (_certificateFile is null)
        {
            return default;
        }

        var certificate = File.GetLastWriteTimeUtc(_certificateFile);
        var key = string.IsNullOrWhiteSpace(_keyFile) ? default : File.GetLastWriteTimeUtc(_keyFile);
        return certificate > key ? certificate : key;
    }

    private static SslStreamCertificateContext Load(string certificateFile, string? keyFile, string? password)
    {
        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        if (IsPkcs12(certificateFile))
        {
            var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(certificateFile, password);
            leaf = all.First(c => c.HasPrivateKey);
            chain.AddRange(all.Where(c => !c.HasPrivateKey).ToArray());
        }
        else
        {
            leaf = X509Certificate2.CreateFromPemFile(certificateFile, string.IsNullOrWhiteSpace(keyFile) ? null : keyFile);
            var pem = new X509Certificate2Collection();
            pem.ImportFromPemFile(certificateFile);
            chain.AddRange(pem.Skip(1).ToArray());
        }

        return SslStreamCertificateContext.Create(leaf, chain, offline: true);
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static SslStreamCertificateContext LoadOrGenerateSelfSigned(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "tls", "self-signed.pfx");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var bytes = GenerateSelfSigned();
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, bytes);
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, path, overwrite: true);
        }

        return Load(path, null, null);
    }

    /// <summary>RSA 2048 for the widest client support; names localhost, this host and the loopback addresses.</summary>
    private static byte[] GenerateSelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={Dns.GetHostName()}, O=Ferry FTP server (self-signed)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(Dns.GetHostName());
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        return certificate.Export(X509ContentType.Pkcs12);
    }
}
