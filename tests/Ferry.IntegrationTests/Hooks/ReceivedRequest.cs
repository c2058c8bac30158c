using System.Text;
using System.Text.Json;

namespace Ferry.IntegrationTests.Hooks;

/// <summary>One request a <see cref="WebhookReceiver"/> got: when, its headers and its body.</summary>
internal sealed record ReceivedRequest(DateTimeOffset At, string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : string.Empty;

    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The body as JSON (a copy, usable after the document is gone).</summary>
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    public string Event => Json.GetProperty("event").GetString()!;

    public string? Field(string name) => Json.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;
}
