using System.Text.Json;

namespace Ferry.Operations;

/// <summary>What /readyz answers: ready only when every check passed.</summary>
internal sealed record ReadinessReport(IReadOnlyList<ReadinessItem> Checks)
{
    public bool Ready => Checks.All(check => check.Ok);

    /// <summary>
    /// {"status":"ready"|"not ready","checks":{"listening":{"ok":true,"detail":"..."},...}}: small,
    /// and readable by a person with curl as well as by a probe that only looks at the status code.
    /// </summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("status", Ready ? "ready" : "not ready");
        json.WriteStartObject("checks");
        foreach (var check in Checks)
        {
            json.WriteStartObject(check.Name);
            json.WriteBoolean("ok", check.Ok);
            json.WriteString("detail", check.Detail);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
