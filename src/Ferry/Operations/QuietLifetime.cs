using Microsoft.Extensions.Hosting;

namespace Ferry.Operations;

/// <summary>
/// A host lifetime that does nothing: the default (ConsoleLifetime) hooks SIGTERM and SIGINT and
/// prints "Application started. Press Ctrl+C to shut down.", but `ferry serve` owns its signals
/// and stops the operations listener itself, before the FTP server.
/// </summary>
internal sealed class QuietLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
