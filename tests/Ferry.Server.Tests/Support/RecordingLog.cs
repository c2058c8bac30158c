using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Tests.Support;

/// <summary>
/// A logger factory that keeps every record the server writes, at every level, so a test can
/// see which path the server took (an event id and its text) rather than guess it from timing.
/// </summary>
public sealed class RecordingLog : ILoggerFactory
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>The messages of the records with this event id, in the order written.</summary>
    public IReadOnlyList<string> Messages(int eventId) => [.. _entries.Where(entry => entry.EventId == eventId).Select(entry => entry.Message)];

    public ILogger CreateLogger(string categoryName) => new Recorder(_entries);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    /// <summary>One record; <paramref name="Exception"/> is what the server attached (a stack trace in a real log).</summary>
    public sealed record Entry(int EventId, LogLevel Level, string Message, Exception? Exception = null);

    private sealed class Recorder(ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new Entry(eventId.Id, logLevel, formatter(state, exception), exception));
    }
}
