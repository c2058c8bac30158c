using Microsoft.Extensions.Logging;

namespace Ferry.Operations;

/// <summary>How the hosts inside the operations listener log: through Ferry's own logger factory, ASP.NET Core and the hosting layer at Warning and above only.</summary>
internal static class OperationsLogging
{
    public static void Forward(ILoggingBuilder logging, ILoggerFactory loggerFactory)
    {
        // Their Information records are a line per HTTP request (a scrape every few seconds) and
        // start-up chatter; Ferry logs the one line that matters itself (FerryLog 7000).
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System", LogLevel.Warning);
        logging.AddProvider(new LoggerFactoryProvider(loggerFactory));
    }
}
