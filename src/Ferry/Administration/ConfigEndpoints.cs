using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Administration;

/// <summary>
/// GET /api/config: the settings in force (the last reload's), as the configuration file spells
/// them, with every secret (a password, a key, a token, a webhook secret) shown as "***".
/// </summary>
internal static class ConfigEndpoints
{
    public const string Mask = "***";

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/config", (AdminServices admin) =>
            TypedResults.Text(Masked(admin.Settings.CurrentValue).ToJsonString(), "application/json", System.Text.Encoding.UTF8))
            .WithTags("Server").Produces<JsonObject>(contentType: "application/json");

    public static JsonNode Masked(Configuration.FerrySettings settings)
    {
        var node = Configuration.SettingsJson.ToNode(settings);
        MaskSecrets(node);
        return node;
    }

    /// <summary>True for a setting whose value is a secret: its name says password, secret or token, or ends in "Key" (a key, not a key's file path).</summary>
    public static bool IsSecret(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("key", StringComparison.OrdinalIgnoreCase);

    private static void MaskSecrets(JsonNode node)
    {
        switch (node)
        {
            case JsonObject values:
                foreach (var name in values.Select(pair => pair.Key).ToList())
                {
                    // An empty secret stays empty: "not set" is no secret, and the admin sees it is unset.
                    if (IsSecret(name) && values[name] is JsonValue value && !(value.GetValueKind() == System.Text.Json.JsonValueKind.String && value.GetValue<string>().Length == 0))
                    {
                        values[name] = Mask;
                    }
                    else if (values[name] is { } child)
                    {
                        MaskSecrets(child);
                    }
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        MaskSecrets(item);
                    }
                }

                break;
        }
    }
}
