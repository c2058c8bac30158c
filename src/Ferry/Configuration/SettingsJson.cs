using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ferry.Configuration;

/// <summary>
/// Settings as JSON, the way the configuration file spells them: settable properties only (a
/// computed one, such as <see cref="OperationsSettings.ListenEndPoint"/>, is no setting, and an
/// IPEndPoint does not serialize: IPAddress.ScopeId throws for IPv4), enums by name. For the
/// admin API's GET /api/config and for a reload's "did this section change" comparison.
/// </summary>
internal static class SettingsJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                type =>
                {
                    foreach (var property in type.Properties.Where(property => property.Set is null).ToList())
                    {
                        type.Properties.Remove(property);
                    }
                },
            },
        },
    };

    public static string Serialize<T>(T settings) => JsonSerializer.Serialize(settings, Options);

    public static JsonNode ToNode<T>(T settings) => JsonSerializer.SerializeToNode(settings, Options) ?? new JsonObject();
}
