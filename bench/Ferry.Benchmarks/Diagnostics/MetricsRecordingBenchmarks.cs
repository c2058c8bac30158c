using System.Net;
using BenchmarkDotNet.Attributes;
using Ferry.Server.Connections;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;
using Ferry.Server.Protocol;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Ferry.Benchmarks.Diagnostics;

/// <summary>
/// What the metrics cost per event on the session's path (issue 14: under 3% of server CPU): the
/// recordings of one finished transfer, one login and one ended session, with no listener (the
/// default: every instrument disabled) and with OpenTelemetry's SDK aggregating them, as it does
/// behind /metrics. A transfer costs the server 0.2-1.5 ms of CPU (docs/benchmarks.md), so these
/// figures divided by that are the hot-path share.
/// </summary>
[MemoryDiagnoser]
public class MetricsRecordingBenchmarks
{
    private FerryMetrics _metrics = null!;
    private MeterProvider? _provider;
    private TransferRecord _download;
    private TransferRecord _upload;

    [Params(false, true)]
    public bool OpenTelemetryListening { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _metrics = new FerryMetrics(() => (10, 2), new PassivePortPool((61000, 61999)));
        if (OpenTelemetryListening)
        {
            // A reader that aggregates every recording (as the Prometheus exporter's does) and exports on demand only.
            _provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(FerryMetrics.MeterName)
                .AddReader(new BaseExportingMetricReader(new DiscardingExporter()))
                .Build();
        }

        _download = new TransferRecord(1, IPAddress.Loopback, "bench", false, "RETR", DataChannelUse.Download, "/f10m.bin",
            10 * 1024 * 1024, TimeSpan.FromMilliseconds(350), TransferType.Image, false, false, true, "ok");
        _upload = _download with { Verb = "STOR", Use = DataChannelUse.Upload, Path = "/up.bin" };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _metrics.Dispose();
    }

    /// <summary>Everything a download and an upload add as they end (count, bytes, duration).</summary>
    [Benchmark(OperationsPerInvoke = 2)]
    public void TwoTransfersEnded()
    {
        _metrics.TransferEnded(_download, throttle: null);
        _metrics.TransferEnded(_upload, throttle: null);
    }

    /// <summary>A session's other events: one login and one end.</summary>
    [Benchmark]
    public void LoginAndSessionEnd()
    {
        _metrics.Login(LoginResult.Ok);
        _metrics.SessionEnded(SessionEnd.Quit);
    }

    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
