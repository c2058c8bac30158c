using System.Reflection;
using System.Text.Json;
using Ferry.Configuration;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The host's own sections (Logging, Operations) are documented like the engine's settings
/// (ExampleConfigurationTests): ferry.example.json has each key with its real default, and the
/// README's configuration table names it. A new host setting without its documentation fails here.
/// </summary>
public sealed class HostSettingsDocumentationTests
{
    public static TheoryData<string, string> Settings()
    {
        var data = new TheoryData<string, string>();
        foreach (var section in Sections())
        {
            foreach (var property in Settable(section.PropertyType))
            {
                data.Add(section.Name, property.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_example_file_has_the_setting_with_its_default(string section, string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Combine("ferry.example.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        Assert.True(document.RootElement.TryGetProperty(section, out var values), $"ferry.example.json has no {section} section.");
        Assert.True(values.TryGetProperty(name, out var value), $"ferry.example.json has no {section}:{name}.");

        var property = typeof(FerrySettings).GetProperty(section)!;
        var expected = property.PropertyType.GetProperty(name)!.GetValue(property.GetValue(new FerrySettings()));
        var same = expected switch
        {
            // An unset path or address: null or "" in the file.
            null => value.ValueKind == JsonValueKind.Null || (value.ValueKind == JsonValueKind.String && value.GetString() == string.Empty),
            string text => value.ValueKind == JsonValueKind.String && value.GetString() == text,
            bool flag => value.ValueKind is JsonValueKind.True or JsonValueKind.False && value.GetBoolean() == flag,
            int number => value.ValueKind == JsonValueKind.Number && value.GetInt32() == number,
            TimeSpan duration => value.ValueKind == JsonValueKind.String && TimeSpan.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var written) && written == duration,
            Enum choice => value.ValueKind == JsonValueKind.String && value.GetString() == choice.ToString(),
            // A list of items (Hooks:List): empty by default, [] in the file.
            System.Collections.IList list => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == list.Count,
            // Named groups (Storage:S3): empty by default, {} in the file.
            System.Collections.IDictionary map => value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Count() == map.Count,
            _ => throw new InvalidOperationException($"No comparison for {section}:{name} ({expected.GetType().Name}); extend this test."),
        };
        Assert.True(same, $"{section}:{name} is {value.GetRawText()} in ferry.example.json, but the default is {expected ?? "null"}.");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_README_configuration_table_names_the_setting(string section, string name)
    {
        var rows = File.ReadAllLines(RepositoryPaths.Combine("README.md")).Where(line => line.StartsWith("| `", StringComparison.Ordinal));
        Assert.True(rows.Any(row => row.StartsWith($"| `{section}:{name}`", StringComparison.Ordinal)),
            $"The README's configuration table has no row for {section}:{name}.");
    }

    /// <summary>FerrySettings' sections other than Server (the engine's, checked by ExampleConfigurationTests).</summary>
    private static IEnumerable<PropertyInfo> Sections() =>
        typeof(FerrySettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.PropertyType.IsClass && property.PropertyType != typeof(string) && property.Name != nameof(FerrySettings.Server));

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite && property.SetMethod!.IsPublic);
}
