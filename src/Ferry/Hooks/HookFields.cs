using System.Globalization;
using System.Text.Json;

namespace Ferry.Hooks;

/// <summary>
/// The one table of a hook event's fields: each has its JSON name (the payload's, and the
/// "{name}" placeholder of a command's Arguments) and its environment variable. Only the fields
/// that apply to an event are written. The names are a published interface: add, never rename.
/// </summary>
internal static class HookFields
{
    /// <summary>One field: its names and how to read it from an event (null: does not apply).</summary>
    public sealed record Field(string Name, string Variable, Func<HookEvent, object?> Read);

    public static readonly IReadOnlyList<Field> All =
    [
        new("event", "FERRY_EVENT", e => e.Name),
        new("id", "FERRY_EVENT_ID", e => e.Id),
        new("time", "FERRY_TIME", e => e.Time),
        new("sessionId", "FERRY_SESSION_ID", e => e.SessionId),
        new("user", "FERRY_USER", e => e.User),
        new("anonymous", "FERRY_ANONYMOUS", e => e.Anonymous),
        new("remoteAddress", "FERRY_REMOTE_ADDRESS", e => e.RemoteAddress),
        new("verb", "FERRY_VERB", e => e.Verb),
        new("path", "FERRY_PATH", e => e.Path),
        new("target", "FERRY_TARGET", e => e.Target),
        new("size", "FERRY_SIZE", e => e.Size),
        new("sha256", "FERRY_SHA256", e => e.Sha256),
        new("direction", "FERRY_DIRECTION", e => e.Direction),
        new("result", "FERRY_RESULT", e => e.Result),
        new("tls", "FERRY_TLS", e => e.Tls),
        new("duration", "FERRY_DURATION", e => e.Duration),
        new("offset", "FERRY_OFFSET", e => e.Offset),
        new("end", "FERRY_END", e => e.End),
        new("network", "FERRY_NETWORK", e => e.Network),
        new("until", "FERRY_UNTIL", e => e.Until),
        new("manual", "FERRY_MANUAL", e => e.Manual),
        new("reason", "FERRY_REASON", e => e.Reason),
        new("localFile", "FERRY_LOCAL_FILE", e => e.LocalFile),
    ];

    public static Field? Find(string name) => All.FirstOrDefault(field => field.Name == name);

    /// <summary>The payload: a JSON object of the fields that apply, in the table's order.</summary>
    public static byte[] Payload(HookEvent hookEvent)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var field in All)
            {
                switch (field.Read(hookEvent))
                {
                    case null:
                        break;
                    case string text:
                        json.WriteString(field.Name, text);
                        break;
                    case long number:
                        json.WriteNumber(field.Name, number);
                        break;
                    case double number:
                        json.WriteNumber(field.Name, Math.Round(number, 3));
                        break;
                    case bool flag:
                        json.WriteBoolean(field.Name, flag);
                        break;
                    case DateTimeOffset time:
                        json.WriteString(field.Name, Text(time));
                        break;
                    default:
                        throw new InvalidOperationException("No JSON form for hook field " + field.Name);
                }
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>A field's value as an environment variable or an argument holds it; null when it does not apply.</summary>
    public static string? Text(Field field, HookEvent hookEvent) => field.Read(hookEvent) switch
    {
        null => null,
        string text => text,
        long number => number.ToString(CultureInfo.InvariantCulture),
        double number => Math.Round(number, 3).ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        DateTimeOffset time => Text(time),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture),
    };

    /// <summary>ISO 8601 in UTC with milliseconds ("2026-12-07T20:38:01.123Z").</summary>
    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
