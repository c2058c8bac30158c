using System.Net;
using Ferry.Operations;

namespace Ferry.Configuration;

/// <summary>
/// The "Operations" section: the HTTP listener for monitoring (/metrics, /healthz, /readyz) and
/// OpenTelemetry export. Everything is off by default: nothing listens and nothing is sent
/// anywhere until an admin asks for it.
/// </summary>
internal sealed class OperationsSettings
{
    /// <summary>
    /// Where the operations HTTP listener binds, "ADDRESS:PORT" ("127.0.0.1:9121", "[::1]:9121").
    /// Null (the default): no listener. 9121 is only a suggestion: Prometheus' list of default
    /// exporter ports does not have it; nothing in Ferry assumes it.
    /// </summary>
    public string? Listen { get; set; }

    /// <summary>
    /// /metrics, /healthz and /readyz have no authentication (as Prometheus exporters have none), so
    /// by default the listener may only bind a loopback address: scrape it locally or through a
    /// reverse proxy. True allows any address (0.0.0.0, a LAN address): then a firewall must keep
    /// it private, and with the admin API on, <see cref="Tls"/> must be true.
    /// </summary>
    public bool AllowRemote { get; set; }

    /// <summary>
    /// Serve HTTPS instead of HTTP on Operations:Listen, with the FTP server's certificate
    /// (Server:CertificateFile, or the generated one; a reload's renewed certificate is used from
    /// the next connection). False by default: a loopback listener needs none; a non-loopback one
    /// with the admin API on must have it (admin passwords and tokens cross the network).
    /// </summary>
    public bool Tls { get; set; }

    /// <summary>
    /// /readyz turns 503 when the TLS certificate expires within this many days: 14, a fortnight
    /// to notice (certbot renews 30 days ahead, so a renewal that failed twice shows here first).
    /// 0: ready until the certificate has actually expired.
    /// </summary>
    public int CertificateMinDays { get; set; } = DefaultCertificateMinDays;

    public const int DefaultCertificateMinDays = 14;

    /// <summary>
    /// An OpenTelemetry collector to push metrics (and traces, with <see cref="Traces"/>) to, e.g.
    /// "http://127.0.0.1:4317" (OTLP/gRPC) or "http://127.0.0.1:4318" with <see cref="OtlpProtocol"/>
    /// HttpProtobuf. Null (the default): nothing is exported.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>OTLP's two transports: gRPC (port 4317, the OpenTelemetry SDKs' default) or HTTP with protobuf (port 4318).</summary>
    public OtlpTransport OtlpProtocol { get; set; } = OtlpTransport.Grpc;

    /// <summary>
    /// Traces of every login and transfer (with user names and paths) go to the OTLP endpoint.
    /// Off by default: traces name people and files, and cost an allocation per event.
    /// </summary>
    public bool Traces { get; set; }

    /// <summary>How often metrics are pushed over OTLP, in seconds: 60, the OpenTelemetry SDKs' default export interval.</summary>
    public int OtlpExportIntervalSeconds { get; set; } = 60;

    /// <summary>The listener's address, once <see cref="Validate"/> has passed; null when off.</summary>
    public IPEndPoint? ListenEndPoint => Listen is { Length: > 0 } text && ListenAddress.TryParse(text, out var endPoint) ? endPoint : null;

    /// <summary>One line per mistake, each naming the key (without the "Operations:" the caller adds), the value and what is allowed.</summary>
    public IEnumerable<string> Validate()
    {
        if (Listen is { Length: > 0 })
        {
            if (!ListenAddress.TryParse(Listen, out var endPoint))
            {
                yield return $"Listen: '{Listen}' must be ADDRESS:PORT with an IP address and a port from 1 to 65535, e.g. 127.0.0.1:9121 or [::1]:9121.";
            }
            else if (!AllowRemote && !IPAddress.IsLoopback(endPoint.Address))
            {
                yield return $"Listen: '{Listen}' is not a loopback address; the operations listener has no authentication, so it binds 127.0.0.1 or [::1] unless Operations:AllowRemote is true.";
            }
        }

        if (CertificateMinDays is < 0 or > 3650)
        {
            yield return $"CertificateMinDays: '{CertificateMinDays}' must be from 0 to 3650 days.";
        }

        if (OtlpEndpoint is { Length: > 0 } && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return $"OtlpEndpoint: '{OtlpEndpoint}' must be an http:// or https:// URL, e.g. http://127.0.0.1:4317.";
        }

        if (Traces && OtlpEndpoint is not { Length: > 0 })
        {
            yield return "Traces: 'true' needs Operations:OtlpEndpoint, where the traces are sent.";
        }

        if (OtlpExportIntervalSeconds is < 1 or > 3600)
        {
            yield return $"OtlpExportIntervalSeconds: '{OtlpExportIntervalSeconds}' must be from 1 to 3600.";
        }
    }
}
