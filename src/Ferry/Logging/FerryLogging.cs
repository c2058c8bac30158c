using Ferry.Configuration;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Ferry.Logging;

/// <summary>
/// Everything `ferry serve` writes as logs, from the "Logging" settings: the console in Text or
/// Json, the Logging:File copy and the Logging:XferLog transfer log. Opened before the privilege
/// drop (so a root start can write to root's /var/log) and disposed last, after the server has
/// stopped, so the last transfers' lines are written before the process ends.
/// </summary>
internal sealed class FerryLogging : IAsyncDisposable
{
    private readonly FerrySettings _settings;
    private FileLoggerProvider? _file;
    private FileLoggerProvider? _console;
    private XferLogWriter? _xferLog;
    private ILogger? _logger;

    private FerryLogging(FerrySettings settings)
    {
        _settings = settings;
    }

    /// <summary>
    /// Opens the configured files now. A file that cannot be opened throws an IOException whose
    /// message names the setting (`ferry serve` prints it as one line and exits 1).
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <param name="forCommand">A `ferry user` command: no transfer log, and the log file is only appended to if it exists (never created as whoever runs the command).</param>
    public static FerryLogging Open(FerrySettings settings, bool forCommand = false)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var logging = settings.Logging;
        var opened = new FerryLogging(settings);
        try
        {
            if (!string.IsNullOrEmpty(logging.File) && (!forCommand || File.Exists(logging.File)))
            {
                var path = logging.File;
                opened._file = Named("Logging:File", () => new FileLoggerProvider(path, logging.Format, create: !forCommand));
            }

            // `ferry serve` under journald, or with its output in a file or a pipe: gathered writes
            // (FileLoggerProvider); on a terminal the runtime's console logger keeps its colours.
            if (!forCommand && Console.IsOutputRedirected)
            {
                opened._console = new FileLoggerProvider(AppendOnlyFile.StandardOutput(), logging.Format);
            }

            if (!forCommand && !string.IsNullOrEmpty(logging.XferLog))
            {
                var path = logging.XferLog;
                opened._xferLog = Named("Logging:XferLog", () => new XferLogWriter(path, problem => opened.Problem("xferlog", problem)));
            }
        }
        catch (IOException)
        {
            opened.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return opened;
    }

    private static T Named<T>(string setting, Func<T> open)
    {
        try
        {
            return open();
        }
        catch (IOException e)
        {
            throw new IOException($"{setting}: {e.Message} (its folder must be writable by the account that starts Ferry).", e);
        }
    }

    /// <summary>
    /// Sets the level and the writers on a logging builder (`LoggerFactory.Create(logs.Configure)`;
    /// with the Generic Host, `logs.Configure(builder.Logging)`).
    /// </summary>
    public void Configure(ILoggingBuilder builder) => Configure(builder, standardError: false);

    /// <summary>As <see cref="Configure(ILoggingBuilder)"/>; <paramref name="standardError"/> sends the console's records to stderr (`ferry user` commands keep stdout for their output).</summary>
    public void Configure(ILoggingBuilder builder, bool standardError)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.SetMinimumLevel(_settings.LogLevel);
        var toStandardError = standardError ? LogLevel.Trace : LogLevel.None;
        if (_console is not null && !standardError)
        {
            builder.AddProvider(_console);
        }
        else if (_settings.Logging.Format == LogFormat.Json)
        {
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ConsoleFormatter, JsonLogFormatter>());
            builder.AddConsole(console =>
            {
                console.FormatterName = JsonLogFormatter.FormatterName;
                console.LogToStandardErrorThreshold = toStandardError;
            });
        }
        else
        {
            // Today's lines: single line, UTC; colours only on a terminal (the runtime decides).
            builder.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = TextLogFormatter.TimestampFormat;
                console.UseUtcTimestamp = true;
            });
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = toStandardError);
        }

        if (_file is not null)
        {
            builder.AddProvider(_file);
        }
    }

    /// <summary>What the engine reports finished transfers to: the xferlog writer, when Logging:XferLog is set.</summary>
    public IReadOnlyList<IServerEventSink> EventSinks(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger("Ferry");
        return _xferLog is null ? [] : [_xferLog];
    }

    /// <summary>
    /// A line `ferry serve` says about itself ("Ferry ready: ..."): as it always was on a text
    /// console, and as a record (event 7130) in a JSON log, so every stdout line parses.
    /// </summary>
    public void WriteStatus(ILogger logger, string line)
    {
        if (_settings.Logging.Format == LogFormat.Json)
        {
            FerryLog.Status(logger, line);
        }
        else if (_console is not null)
        {
            // Behind the records already queued, not ahead of them.
            _console.WriteLine(line);
        }
        else
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>
    /// For logrotate's postrotate (SIGHUP): a log file or xferlog that was moved away is opened
    /// again at its path, so lines go to the new file and the rotated one is let go. One that was
    /// not moved is left alone, so a SIGHUP for a reload touches nothing. Reopening needs the
    /// account Ferry runs as to be allowed to create the file (a failure is logged, event 7110).
    /// </summary>
    public void Reopen()
    {
        var moved = new List<string>();
        if (_file is { MovedAway: true } file)
        {
            file.Reopen();
            moved.Add(file.Path);
        }

        if (_xferLog is { MovedAway: true } xferLog)
        {
            xferLog.Reopen();
            moved.Add(xferLog.Path);
        }

        if (_logger is not null && moved.Count > 0)
        {
            FerryLog.LogFilesReopened(_logger, string.Join(", ", moved));
        }
    }

    /// <summary>Writes what is queued in the xferlog and the log file, then closes them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_xferLog is not null)
        {
            await _xferLog.DisposeAsync();
        }

        if (_file is not null)
        {
            await _file.DisposeAsync();
        }

        if (_console is not null)
        {
            await _console.DisposeAsync();
        }
    }

    private void Problem(string log, string problem)
    {
        if (_logger is { } logger)
        {
            FerryLog.LogFileProblem(logger, log, problem);
        }
        else
        {
            Console.Error.WriteLine($"ferry: {log}: {problem}");
        }
    }
}
