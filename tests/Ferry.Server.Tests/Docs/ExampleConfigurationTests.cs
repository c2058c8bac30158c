using System.Collections;
using System.Reflection;
using System.Text.Json;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Docs;

/// <summary>
/// ferry.example.json documents every engine setting with its real default, and the README's
/// configuration table names each one: a new option without its documentation fails here.
/// </summary>
public sealed class ExampleConfigurationTests
{
    private static readonly FtpServerOptions Defaults = new();

    public static TheoryData<string> Settings()
    {
        var data = new TheoryData<string>();
        foreach (var property in SettableProperties())
        {
            data.Add(property.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_example_file_has_the_setting_with_its_default(string name)
    {
        var server = LoadExample().GetProperty("Server");
        Assert.True(server.TryGetProperty(name, out var value), $"ferry.example.json has no Server:{name}.");
        var property = typeof(FtpServerOptions).GetProperty(name)!;
        var expected = property.GetValue(Defaults);
        Assert.True(SameValue(property.PropertyType, expected, value), $"Server:{name} is {value.GetRawText()} in ferry.example.json, but the default is {Describe(expected)}.");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_README_configuration_table_names_the_setting(string name)
    {
        var readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));
        var rows = readme.Split('\n').Where(line => line.StartsWith("| `Server:", StringComparison.Ordinal));
        Assert.True(rows.Any(row => row.Contains($"`Server:{name}`", StringComparison.Ordinal) || row.Contains($"`{name}`", StringComparison.Ordinal)),
            $"The README's configuration table has no row naming Server:{name}.");
    }

    private static IEnumerable<PropertyInfo> SettableProperties() =>
        typeof(FtpServerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.CanWrite && property.SetMethod!.IsPublic);

    private static JsonElement LoadExample()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("ferry.example.json"));
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.Clone();
    }

    private static bool SameValue(Type type, object? expected, JsonElement value)
    {
        // A nullable setting whose default is null is derived from another one (MaxUnauthenticatedSessions).
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return expected is null ? value.ValueKind == JsonValueKind.Null : SameValue(underlying, expected, value);
        }

        if (type == typeof(string))
        {
            return value.ValueKind == JsonValueKind.String && value.GetString() == (string?)expected;
        }

        if (type == typeof(bool))
        {
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False && value.GetBoolean() == (bool)expected!;
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return value.ValueKind == JsonValueKind.Number && value.GetInt64() == Convert.ToInt64(expected, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (type == typeof(TimeSpan))
        {
            return value.ValueKind == JsonValueKind.String && TimeSpan.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var span) && span == (TimeSpan)expected!;
        }

        if (type.IsEnum)
        {
            return value.ValueKind == JsonValueKind.String && Enum.TryParse(type, value.GetString(), ignoreCase: false, out var parsed) && parsed.Equals(expected);
        }

        if (expected is IDictionary dictionary)
        {
            return value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Count() == dictionary.Count && dictionary.Count == 0;
        }

        if (expected is IEnumerable sequence)
        {
            var items = sequence.Cast<object?>().Select(item => item?.ToString()).ToList();
            return value.ValueKind == JsonValueKind.Array
                && value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText()).SequenceEqual(items);
        }

        throw new InvalidOperationException($"No comparison for settings of type {type.Name}; extend this test.");
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        IEnumerable sequence => "[" + string.Join(", ", sequence.Cast<object?>()) + "]",
        _ => value.ToString() ?? string.Empty,
    };
}
