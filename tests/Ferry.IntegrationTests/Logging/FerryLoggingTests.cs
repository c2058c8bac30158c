using System.Net;
using System.Text.Json;
using Ferry.Configuration;
using Ferry.Logging;
using Ferry.Server.Connections;
using Ferry.Server.Diagnostics;
using Ferry.Server.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.IntegrationTests.Logging;

/// <summary>The host's logging pieces in-process: Reopen for logrotate, and the JSON formatter's fields.</summary>
public sealed class FerryLoggingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ferry-logging-").FullName;

    [Fact]
    public async Task Reopen_sends_later_lines_of_the_log_file_and_the_xferlog_to_new_files_after_logrotate_moved_them()
    {
        var logFile = Path.Combine(_folder, "ferry.log");
        var xferLog = Path.Combine(_folder, "xferlog");
        var settings = new FerrySettings { Logging = new LoggingSettings { File = logFile, XferLog = xferLog } };
        await using (var logs = FerryLogging.Open(settings))
        {
            using var factory = LoggerFactory.Create(logs.Configure);
            var sink = Assert.Single(logs.EventSinks(factory));
            var logger = factory.CreateLogger("Ferry");
            FerryLog.Status(logger, "before the rotation");
            sink.TransferEnded(Transfer("/before.bin"));
            await WaitForAsync(() => File.Exists(xferLog) && File.ReadAllText(xferLog).Contains("/before.bin", StringComparison.Ordinal)
                && File.ReadAllText(logFile).Contains("before the rotation", StringComparison.Ordinal));

            File.Move(logFile, logFile + ".1");
            File.Move(xferLog, xferLog + ".1");
            logs.Reopen();
            FerryLog.Status(logger, "after the rotation");
            sink.TransferEnded(Transfer("/after.bin"));
        }

        Assert.Contains("before the rotation", await File.ReadAllTextAsync(logFile + ".1"), StringComparison.Ordinal);
        Assert.DoesNotContain("after the rotation", await File.ReadAllTextAsync(logFile + ".1"), StringComparison.Ordinal);
        Assert.Contains("after the rotation", await File.ReadAllTextAsync(logFile), StringComparison.Ordinal);
        Assert.Contains("Ferry[7111] Reopening the rotated log file(s)", await File.ReadAllTextAsync(logFile), StringComparison.Ordinal);
        Assert.EndsWith(" /before.bin b _ i r alice ftp 0 * c", Assert.Single(await File.ReadAllLinesAsync(xferLog + ".1")), StringComparison.Ordinal);
        Assert.EndsWith(" /after.bin b _ i r alice ftp 0 * c", Assert.Single(await File.ReadAllLinesAsync(xferLog)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_leaves_files_that_were_not_rotated_alone()
    {
        // A SIGHUP for a reload (nothing rotated) must neither reopen nor say it did: under a root
        // start the serving account could not create the files again, and every reload would warn.
        var logFile = Path.Combine(_folder, "ferry.log");
        var settings = new FerrySettings { Logging = new LoggingSettings { File = logFile } };
        await using (var logs = FerryLogging.Open(settings))
        {
            using var factory = LoggerFactory.Create(logs.Configure);
            _ = logs.EventSinks(factory);
            var logger = factory.CreateLogger("Ferry");
            logs.Reopen();
            FerryLog.Status(logger, "after a reload");
        }

        var text = await File.ReadAllTextAsync(logFile);
        Assert.Contains("after a reload", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ferry[7111]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_record_has_flat_named_fields_client_text_as_sent_and_the_scope_without_repeating_a_field()
    {
        var scopes = new LoggerExternalScopeProvider();
        var logger = new FormattingLogger(scopes);
        using (scopes.Push(new[] { new KeyValuePair<string, object?>("SessionId", 7L), new KeyValuePair<string, object?>("RemoteAddress", "127.0.0.1"), new KeyValuePair<string, object?>("Tls", true) }))
        {
            FerryLog.AuditRefused(logger, 7, "refused", "delete", "/evil\nforged line \"quoted\"", "DELE", "bob", IPAddress.Loopback, "Permission denied.");
            FerryLog.CommandFailed(logger, 7, "DELE", new InvalidOperationException("first line\nsecond line"));
        }

        Assert.All(logger.Lines, line => Assert.DoesNotContain('\n', line));
        using var audit = JsonDocument.Parse(logger.Lines[0]);
        var fields = audit.RootElement.EnumerateObject().Select(property => property.Name).ToList();
        Assert.Equal(fields.Distinct(StringComparer.Ordinal).Count(), fields.Count);
        Assert.Equal(["Timestamp", "Level", "Category", "EventId", "EventName", "Message", "SessionId", "Outcome", "Action", "Path", "Verb", "User", "RemoteAddress", "Reason", "Tls"], fields);
        var root = audit.RootElement;
        Assert.Equal("Information", root.GetProperty("Level").GetString());
        Assert.Equal(7102, root.GetProperty("EventId").GetInt32());
        Assert.Equal("AuditRefused", root.GetProperty("EventName").GetString());
        Assert.Equal("/evil\nforged line \"quoted\"", root.GetProperty("Path").GetString());
        Assert.Equal("bob", root.GetProperty("User").GetString());
        Assert.Equal(7, root.GetProperty("SessionId").GetInt64());
        Assert.True(root.GetProperty("Tls").GetBoolean());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", root.GetProperty("Timestamp").GetString());

        using var failure = JsonDocument.Parse(logger.Lines[1]);
        Assert.Contains("first line\nsecond line", failure.RootElement.GetProperty("Exception").GetString(), StringComparison.Ordinal);
    }

    private static TransferRecord Transfer(string path) =>
        new(1, IPAddress.Loopback, "alice", false, "STOR", DataChannelUse.Upload, path, 3, TimeSpan.FromMilliseconds(5), TransferType.Image, false, false, true, "ok");

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the lines were not written");
            await Task.Delay(20);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Formats each record as the JSON console would, with a scope provider.</summary>
    private sealed class FormattingLogger(IExternalScopeProvider scopes) : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(JsonLogFormatter.Format(new LogEntry<TState>(logLevel, "Ferry", eventId, state, exception, formatter), scopes, DateTimeOffset.UtcNow)!);
    }
}
