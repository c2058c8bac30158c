using Microsoft.Extensions.Logging;

namespace Ferry.Operations;

/// <summary>
/// Hands the hosts inside the operations listener (ASP.NET Core's, OpenTelemetry's) the server's
/// own logger factory, so their records come out in Ferry's log format and stream, filtered by
/// their builders. Disposing it leaves the factory to its owner.
/// </summary>
internal sealed class LoggerFactoryProvider(ILoggerFactory factory) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
