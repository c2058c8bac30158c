using Ferry.Configuration;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Logging;

/// <summary>
/// Logging:File: every record also appended to a file, in the console's format. A record is
/// formatted on the thread that logs it (its state and the session scope are read then, as the
/// console logger does) and queued; a background writer appends it, so a slow disk never holds a
/// session up (a full queue drops lines and says so on stderr). <see cref="Reopen"/> is for logrotate.
/// </summary>
internal sealed class FileLoggerProvider : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    private readonly BackgroundLineWriter<string> _writer;
    private readonly LogFormat _format;
    private IExternalScopeProvider? _scopes;

    /// <param name="path">The file; opened now.</param>
    /// <param name="format">Text or Json, as the console.</param>
    /// <param name="create">False: append only to a file that exists (for `ferry user` commands).</param>
    public FileLoggerProvider(string path, LogFormat format, bool create = true)
    {
        _format = format;
        _writer = new BackgroundLineWriter<string>(path, static (line, text) => text.Append(line),
            problem => Console.Error.WriteLine("ferry: log file: " + problem), create: create);
    }

    /// <summary>
    /// The console's records on standard output when it is not a terminal (journald, a file, a
    /// pipe). The runtime's console logger wakes its thread and calls write(2) for every record,
    /// which cost 13% of the server's CPU on small files (docs/benchmarks.md, issue 14); this writes
    /// what gathered in <see cref="ConsoleGather"/> with one wake-up and one write(2).
    /// </summary>
    public FileLoggerProvider(AppendOnlyFile output, LogFormat format)
    {
        _format = format;
        _writer = new BackgroundLineWriter<string>(output, static (line, text) => text.Append(line),
            problem => Console.Error.WriteLine("ferry: standard output: " + problem), ConsoleGather);
    }

    /// <summary>The longest a console line waits: too short to notice in `journalctl -f`.</summary>
    public static readonly TimeSpan ConsoleGather = TimeSpan.FromMilliseconds(20);

    public string Path => _writer.Path;

    /// <summary>A line that is not a record ("Ferry ready: ..." on a text console), in order with the records.</summary>
    public void WriteLine(string line) => _writer.TryWrite(line);

    public ILogger CreateLogger(string categoryName) => new FileLogger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public IDisposable? Push<TState>(TState state)
        where TState : notnull => _scopes?.Push(state);

    public void Write<TState>(in LogEntry<TState> entry)
    {
        var now = DateTimeOffset.UtcNow;
        var line = _format == LogFormat.Json ? JsonLogFormatter.Format(entry, _scopes, now) : TextLogFormatter.Format(entry, now);
        if (line is not null)
        {
            _writer.TryWrite(line);
        }
    }

    public void Reopen() => _writer.Reopen();

    /// <summary>Whether the log file was rotated away since it was opened.</summary>
    public bool MovedAway => _writer.MovedAway;

    /// <summary>The logger factory does not own this provider (FerryLogging does, and flushes it last).</summary>
    public void Dispose()
    {
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
