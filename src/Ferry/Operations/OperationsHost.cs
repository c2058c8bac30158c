using System.Net.Sockets;
using Ferry.Configuration;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ferry.Operations;

/// <summary>
/// The operations side as `ferry serve` runs it today, in a small Generic Host of its own: the
/// same registrations (<see cref="OperationsServices.AddFerryOperations"/>) go into the server's
/// host once `ferry serve` runs on one, and this class goes away.
/// </summary>
internal sealed class OperationsHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private OperationsHost(IHost host) => _host = host;

    /// <summary>Starts what the settings ask for; null when they ask for nothing (no listener, no export).</summary>
    public static async Task<OperationsHost?> StartAsync(OperationsSettings settings, IServerHealth health, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ListenEndPoint is null && settings.OtlpEndpoint is not { Length: > 0 })
        {
            return null;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "ferry" });
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.Services.AddSingleton(health);
        OperationsLogging.Forward(builder.Logging, loggerFactory);
        builder.Services.AddFerryOperations(settings);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            host.Dispose();
            throw new OperationsStartException($"cannot listen on Operations:Listen {settings.Listen}: {(e.InnerException ?? e).Message}", e);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        if (settings.OtlpEndpoint is { Length: > 0 } endpoint)
        {
            FerryLog.OtlpExporting(loggerFactory.CreateLogger("Ferry"), settings.Traces ? "metrics and traces" : "metrics", settings.OtlpProtocol.ToString(), endpoint);
        }

        return new OperationsHost(host);
    }

    /// <summary>Stops the listener and flushes the exporters; before the FTP server stops.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
