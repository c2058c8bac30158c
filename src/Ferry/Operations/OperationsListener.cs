using System.Net;
using Ferry.Configuration;
using Ferry.Server.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Ferry.Operations;

/// <summary>
/// The operations HTTP listener (Operations:Listen): Kestrel with nothing but the routes of
/// <see cref="OperationsEndpoints"/>; no static files, no configuration files, no HTTPS, no
/// server header. It is its own small web application beside the FTP server, started after the
/// server listens and stopped before it stops, so a load balancer's /readyz sees the server's
/// real state from the first second to the last.
/// </summary>
internal sealed class OperationsListener(
    OperationsSettings settings, IServerHealth health, MeterProvider meterProvider, ILoggerFactory loggerFactory, TimeProvider time) : IHostedService, IAsyncDisposable
{
    /// <summary>
    /// Connections at once: a scraper and a few probes need a handful; the bound keeps a client
    /// that opens connections in a loop from taking the process's file descriptors from FTP.
    /// </summary>
    private const int MaxConnections = 64;

    /// <summary>Request bodies: the routes today take none; the admin API will set its own limit.</summary>
    private const long MaxRequestBodyBytes = 64 * 1024;

    private readonly ILogger _logger = loggerFactory.CreateLogger("Ferry");
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endPoint = settings.ListenEndPoint ?? throw new InvalidOperationException("Operations:Listen is not set.");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "ferry-operations" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = MaxConnections;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Listen(endPoint);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        OperationsLogging.Forward(builder.Logging, loggerFactory);

        var app = builder.Build();
        OperationsEndpoints.Map(app, meterProvider, new ReadinessCheck(health, settings.CertificateMinDays, time));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync();
            throw new Hosting.StartupFailedException($"cannot listen on Operations:Listen {settings.Listen}: {(e.InnerException ?? e).Message}", 1, e);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _app = app;
        var url = "http://" + FormatEndPoint(endPoint);
        FerryLog.OperationsListening(_logger, url, $"{OperationsEndpoints.MetricsPath}, {OperationsEndpoints.HealthPath}, {OperationsEndpoints.ReadinessPath}");
        if (!IPAddress.IsLoopback(endPoint.Address))
        {
            FerryLog.OperationsListenerRemote(_logger, url);
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

    private static string FormatEndPoint(IPEndPoint endPoint) =>
        endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : endPoint.ToString();
}
