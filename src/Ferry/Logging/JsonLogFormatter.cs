using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Ferry.Logging;

/// <summary>
/// Logging:Format = Json: one JSON object per line, with flat named fields, for journald, Loki or
/// Elastic: <c>Timestamp</c> (UTC, ISO 8601), <c>Level</c>, <c>Category</c>, <c>EventId</c>,
/// <c>EventName</c>, <c>Message</c>, then the record's own fields (<c>SessionId</c>, <c>Path</c>,
/// <c>User</c>, ...), then the session scope's (<c>RemoteAddress</c>, <c>RemotePort</c>,
/// <c>User</c>, <c>Tls</c>; see <see cref="SessionLogScope"/>), then <c>Exception</c> if any.
/// <para>
/// Not the runtime's JsonConsoleFormatter: that one writes no event name, nests the fields under
/// "State" and the scope under a "Scopes" array (so the session id has two places), and writes a
/// <see cref="ClientText"/> through ToString, i.e. with the text format's quotes and escapes inside
/// the JSON string. Here client text is the raw value (JSON's own escaping keeps it on its line),
/// and a scope field is left out where the record has the same name already.
/// </para>
/// </summary>
internal sealed class JsonLogFormatter : ConsoleFormatter
{
    public const string FormatterName = "ferry-json";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Logs are not HTML: keep UTF-8 names and '<', '&' readable; controls and quotes are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private static readonly string[] Reserved = ["Timestamp", "Level", "Category", "EventId", "EventName", "Message", "Exception"];

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public JsonLogFormatter()
        : base(FormatterName)
    {
    }

    /// <summary>The console's line (with its line end).</summary>
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var line = Format(logEntry, scopeProvider, DateTimeOffset.UtcNow);
        if (line is not null)
        {
            textWriter.Write(line);
            textWriter.Write('\n');
        }
    }

    /// <summary>The record as one JSON object without a line end; null when there is nothing to write.</summary>
    public static string? Format<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopes, DateTimeOffset now)
    {
        var message = entry.Formatter(entry.State, entry.Exception);
        if (message is null && entry.Exception is null)
        {
            return null;
        }

        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("Timestamp", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("Level", LevelName(entry.LogLevel));
            json.WriteString("Category", entry.Category);
            json.WriteNumber("EventId", entry.EventId.Id);
            if (entry.EventId.Name is { } name)
            {
                json.WriteString("EventName", name);
            }

            json.WriteString("Message", message);
            var fields = entry.State as IReadOnlyList<KeyValuePair<string, object?>>;
            if (fields is not null)
            {
                foreach (var (key, value) in fields)
                {
                    if (key != "{OriginalFormat}")
                    {
                        WriteField(json, Reserved.Contains(key) ? "Field" + key : key, value);
                    }
                }
            }

            scopes?.ForEachScope(static (scope, state) => WriteScope(state.Json, state.Fields, scope), (Json: json, Fields: fields));
            if (entry.Exception is { } exception)
            {
                json.WriteString("Exception", exception.ToString());
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteScope(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, object?>>? fields, object? scope)
    {
        if (scope is not IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            if (scope is not null)
            {
                json.WriteString("Scope", scope.ToString());
            }

            return;
        }

        if (pairs is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            // The session scope: by index, no enumerator per line.
            for (var i = 0; i < list.Count; i++)
            {
                WriteScopeField(json, fields, list[i]);
            }

            return;
        }

        foreach (var pair in pairs)
        {
            WriteScopeField(json, fields, pair);
        }
    }

    private static void WriteScopeField(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, object?>>? fields, KeyValuePair<string, object?> pair)
    {
        if (pair.Key != "{OriginalFormat}" && !Reserved.Contains(pair.Key) && !Has(fields, pair.Key))
        {
            WriteField(json, pair.Key, pair.Value);
        }
    }

    private static bool Has(IReadOnlyList<KeyValuePair<string, object?>>? fields, string key)
    {
        if (fields is null)
        {
            return false;
        }

        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i].Key == key)
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteField(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case string text:
                json.WriteString(key, text);
                break;
            case ClientText clientText:
                json.WriteString(key, clientText.Value);
                break;
            case bool flag:
                json.WriteBoolean(key, flag);
                break;
            case int number:
                json.WriteNumber(key, number);
                break;
            case long number:
                json.WriteNumber(key, number);
                break;
            case uint number:
                json.WriteNumber(key, number);
                break;
            case ulong number:
                json.WriteNumber(key, number);
                break;
            case double number when double.IsFinite(number):
                json.WriteNumber(key, number);
                break;
            case DateTimeOffset time:
                json.WriteString(key, time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                break;
            case TimeSpan span:
                json.WriteString(key, span.ToString("c", CultureInfo.InvariantCulture));
                break;
            case IFormattable formattable:
                json.WriteString(key, formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(key, value.ToString());
                break;
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => "None",
    };
}
