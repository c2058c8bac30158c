using Ferry.Configuration;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ferry.Operations;

/// <summary>
/// Registers the operations side in a host: OpenTelemetry (the "Ferry" meter, and the "Ferry"
/// activity source with Operations:Traces) with the Prometheus exporter behind
/// Operations:Listen and OTLP behind Operations:OtlpEndpoint, and the listener as a hosted
/// service. The host must register an <see cref="IServerHealth"/>. With everything off it adds
/// nothing, so no listener is attached to the meter and the engine records nothing.
/// </summary>
internal static class OperationsServices
{
    public const string ServiceName = "ferry";

    /// <param name="services">The host's container.</param>
    /// <param name="settings">The Operations section.</param>
    /// <param name="adminSocket">The admin API is on (Admin:Enabled): the listener serves DATADIR/admin.sock even without Operations:Listen.</param>
    public static IServiceCollection AddFerryOperations(this IServiceCollection services, OperationsSettings settings, bool adminSocket = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);
        var listen = settings.ListenEndPoint is not null;
        var otlp = settings.OtlpEndpoint is { Length: > 0 };
        if (!listen && !otlp)
        {
            if (adminSocket)
            {
                services.AddHostedService<OperationsListener>();
            }

            return services;
        }

        var version = typeof(FerryMetrics).Assembly.GetName().Version?.ToString();
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: version));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(FerryMetrics.MeterName);
            if (listen)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp)
            {
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    Configure(exporter, settings, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = settings.OtlpExportIntervalSeconds * 1000;
                });
            }
        });
        if (settings.Traces)
        {
            // Validation makes Traces require an OTLP endpoint: traces go nowhere else.
            telemetry.WithTracing(tracing => tracing
                .AddSource(FerryTracing.SourceName)
                .AddOtlpExporter(exporter => Configure(exporter, settings, "v1/traces")));
        }

        if (listen || adminSocket)
        {
            services.AddHostedService<OperationsListener>();
        }

        return services;
    }

    /// <summary>
    /// The collector's address as given; over HTTP the SDK takes a configured endpoint as the full
    /// URL of one signal, so the signal's path (OTLP/HTTP's /v1/metrics, /v1/traces) is added here.
    /// </summary>
    private static void Configure(OtlpExporterOptions exporter, OperationsSettings settings, string signalPath)
    {
        var endpoint = settings.OtlpEndpoint!;
        if (settings.OtlpProtocol == OtlpTransport.HttpProtobuf)
        {
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            exporter.Endpoint = new Uri(endpoint.TrimEnd('/') + "/" + signalPath);
        }
        else
        {
            exporter.Protocol = OtlpExportProtocol.Grpc;
            exporter.Endpoint = new Uri(endpoint);
        }
    }
}
