using System.Net;
using Ferry.Administration;
using Ferry.Configuration;
using Ferry.Hosting;
using Ferry.Server.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Ferry.Operations;

/// <summary>
/// The operations HTTP listener: Kestrel with nothing but the routes of
/// <see cref="OperationsEndpoints"/>; no static files, no configuration files, no server header.
/// It listens on Operations:Listen (HTTP, or HTTPS with Operations:Tls) when that is set, and, with
/// the admin API on (Admin:Enabled), on the Unix socket DATADIR/admin.sock for the local CLI. It is
/// its own small web application beside the FTP server, started after the server listens and
/// stopped before it stops, so a load balancer's /readyz sees the server's real state from the
/// first second to the last.
/// </summary>
internal sealed class OperationsListener(
    OperationsSettings settings,
    IServerHealth health,
    ILoggerFactory loggerFactory,
    TimeProvider time,
    MeterProvider? meterProvider = null,
    AdminServices? admin = null,
    ThroughputHistory? throughput = null,
    FtpServerService? ftp = null) : IHostedService, IAsyncDisposable
{
    /// <summary>
    /// Connections at once: a scraper, a few probes, and the admin pages (each open page holds one
    /// live stream, at most <see cref="LiveEndpoints.MaxStreams"/>, plus a few requests) fit
    /// well within it; the bound keeps a client that opens connections in a loop from taking the
    /// process's file descriptors from FTP.
    /// </summary>
    private const int MaxConnections = 128;

    /// <summary>Request bodies: the admin API's largest (a user) is well under a kilobyte; 64 KiB leaves room and bounds memory.</summary>
    private const long MaxRequestBodyBytes = 64 * 1024;

    public const string SocketName = "admin.sock";

    private readonly ILogger _logger = loggerFactory.CreateLogger("Ferry");
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endPoint = settings.ListenEndPoint;
        var socketPath = admin is not null ? Path.GetFullPath(Path.Combine(admin.Settings.CurrentValue.DataDir, SocketName)) : null;
        if (socketPath is not null && !PrepareSocketPath(socketPath))
        {
            socketPath = null;
        }

        if (endPoint is null && socketPath is null)
        {
            return;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "ferry-operations" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = MaxConnections;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            if (endPoint is not null)
            {
                kestrel.Listen(endPoint, listen =>
                {
                    if (settings.Tls)
                    {
                        listen.UseHttps(new HttpsConnectionAdapterOptions
                        {
                            // Asked at every handshake: a reload's renewed certificate serves the next connection.
                            ServerCertificateSelector = (_, _) => ftp?.Server?.Certificates?.Certificate,
                        });
                    }
                });
            }

            if (socketPath is not null)
            {
                kestrel.ListenUnixSocket(socketPath);
            }
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        if (admin is not null)
        {
            AdminApi.AddServices(builder.Services, admin, throughput ?? throw new InvalidOperationException("The admin API needs its throughput history."));
        }

        OperationsLogging.Forward(builder.Logging, loggerFactory);

        var app = builder.Build();
        var readiness = new ReadinessCheck(health, settings.CertificateMinDays, time);
        OperationsEndpoints.Map(app, endPoint is not null ? meterProvider : null, readiness, admin);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync();
            throw new StartupFailedException($"cannot listen on Operations:Listen {settings.Listen}: {(e.InnerException ?? e).Message}", 1, e);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _app = app;
        if (socketPath is not null)
        {
            // Only the server's account (and root) may talk to the socket: the CLI's way in.
            // The data folder is 0700 already (DataFolderProtection), so the moment between bind and chmod exposes nothing.
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (endPoint is not null)
        {
            var url = (settings.Tls ? "https://" : "http://") + FormatEndPoint(endPoint);
            FerryLog.OperationsListening(_logger, url, $"{OperationsEndpoints.MetricsPath}, {OperationsEndpoints.HealthPath}, {OperationsEndpoints.ReadinessPath}{(admin is not null ? ", /api, /openapi/v1.json" : string.Empty)}");
            if (!IPAddress.IsLoopback(endPoint.Address))
            {
                FerryLog.OperationsListenerRemote(_logger, url);
            }

            if (admin is not null)
            {
                FerryLog.AdminApiListening(_logger, url + "/api");
            }
        }

        if (socketPath is not null)
        {
            FerryLog.AdminApiListening(_logger, "unix:" + socketPath);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync(cancellationToken);
            await app.DisposeAsync();
            FerryLog.OperationsStopped(_logger);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(timeout.Token);
    }

    /// <summary>
    /// A socket left by a server that did not stop cleanly is removed (bind would fail on it); the
    /// process id file keeps two servers off one data folder. A path longer than a socket address
    /// holds (108 bytes on Linux) cannot be served: one warning, and the server runs without it.
    /// </summary>
    private bool PrepareSocketPath(string path)
    {
        const int MaxSocketPathBytes = 107;
        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxSocketPathBytes)
        {
            FerryLog.AdminSocketFailed(_logger, path, $"longer than the {MaxSocketPathBytes} bytes a Unix socket path may have; use a shorter DataDir");
            return false;
        }

        try
        {
            // File.Delete removes a socket (unlink) and does nothing when there is none.
            File.Delete(path);

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            FerryLog.AdminSocketFailed(_logger, path, e.Message);
            return false;
        }
    }

    private static string FormatEndPoint(IPEndPoint endPoint) =>
        endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : endPoint.ToString();
}
