using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Logging;

/// <summary>
/// Logging:Format = Text in the log file: the line the console writes (the runtime's simple
/// console formatter with SingleLine, UTC timestamps, no colours), e.g.
/// <c>2026-12-07T18:09:00.123Z info: Ferry[1000] Session 1 started from 127.0.0.1:50312</c>. That
/// formatter is internal to Microsoft.Extensions.Logging.Console, so its layout is written out here;
/// LoggingHostTests compares the file's lines with the console's.
/// </summary>
internal static class TextLogFormatter
{
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    /// <summary>The record as one line without its line end; null when there is nothing to write.</summary>
    public static string? Format<TState>(in LogEntry<TState> entry, DateTimeOffset now)
    {
        var message = entry.Formatter(entry.State, entry.Exception);
        if (message is null && entry.Exception is null)
        {
            return null;
        }

        var line = new StringBuilder(message?.Length + 64 ?? 128);
        line.Append(now.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture))
            .Append(LevelName(entry.LogLevel))
            .Append(": ")
            .Append(entry.Category)
            .Append('[')
            .Append(entry.EventId.Id.ToString(CultureInfo.InvariantCulture))
            .Append(']');
        if (!string.IsNullOrEmpty(message))
        {
            line.Append(' ').Append(message.Replace(Environment.NewLine, " ", StringComparison.Ordinal));
        }

        if (entry.Exception is { } exception)
        {
            line.Append(' ').Append(exception.ToString().Replace(Environment.NewLine, " ", StringComparison.Ordinal));
        }

        return line.ToString();
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
