using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Ferry.Configuration;

/// <summary>
/// Reads settings in increasing precedence: the config file, FERRY_* environment variables
/// (FERRY_SERVER__PORT=21), then command-line flags. An unknown key in the file or a bad value
/// anywhere is an error naming the key, the value and what is allowed. An unknown FERRY_*
/// variable is only a warning: environments carry variables that are not settings (FERRY_HOME
/// in a shell profile, a deploy script's own), and refusing to start over them bit scripts.
/// </summary>
internal static class SettingsLoader
{
    public const string DefaultConfigFile = "ferry.json";

    private const string EnvironmentPrefix = "FERRY_";

    public static FerrySettings Load(string? configFile, IDictionary<string, string?> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var explicitFile = configFile is not null;
        configFile ??= DefaultConfigFile;
        if (Directory.Exists(configFile))
        {
            throw new SettingsException($"config file '{configFile}' is a folder, not a file; give the path of a JSON file.");
        }

        if (explicitFile && !File.Exists(configFile))
        {
            throw new SettingsException($"config file '{configFile}' does not exist.");
        }

        var problems = new List<string>();
        var file = ReadFile(configFile);
        foreach (var (key, value) in Leaves(file))
        {
            var check = SettingsSchema.Check(key);
            if (!check.Known)
            {
                problems.Add($"config file '{configFile}': unknown setting {check.Canonical} = '{value}'{DidYouMean(check.Suggestion)}.");
            }
            else
            {
                AddValueProblem(problems, check, value, $"config file '{configFile}'");
            }
        }

        var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Leaves(new ConfigurationBuilder().AddEnvironmentVariables(EnvironmentPrefix).Build()))
        {
            var check = SettingsSchema.Check(key);
            if (!check.Known)
            {
                var suggestion = check.Suggestion is null ? null : VariableName(check.Suggestion).ToUpperInvariant();
                Console.Error.WriteLine($"ferry: warning: ignoring environment variable {VariableName(key)}: not a Ferry setting{DidYouMean(suggestion)}.");
                continue;
            }

            AddValueProblem(problems, check, value, "environment variable " + VariableName(key));
            environment[key] = value;
        }

        foreach (var (key, value) in flags)
        {
            if (value is not null && SettingsSchema.Check(key) is { Known: true } check)
            {
                AddValueProblem(problems, check, value, "command line");
            }
        }

        if (problems.Count > 0)
        {
            throw new SettingsException(string.Join(Environment.NewLine, problems));
        }

        var configuration = new ConfigurationBuilder()
            .AddConfiguration(file)
            .AddInMemoryCollection(environment)
            .AddInMemoryCollection(flags)
            .Build();
        var settings = new FerrySettings();
        ConfiguredListsReplaceDefaults.Apply(configuration, settings.Server);
        try
        {
            // Kept as a backstop: SettingsSchema should have caught every unknown key already.
            configuration.Bind(settings, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new SettingsException(e.Message, e);
        }

        var errors = settings.Validate().Concat(settings.Server.Validate().Select(error => "Server:" + error)).ToList();
        if (errors.Count > 0)
        {
            throw new SettingsException(string.Join(Environment.NewLine, errors));
        }

        return settings;
    }

    /// <summary>The file's settings; nothing when the default file is absent.</summary>
    private static IConfigurationRoot ReadFile(string configFile)
    {
        try
        {
            return new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(configFile), optional: true).Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"config file '{configFile}' {WhyUnreadable(configFile, e)}", e);
        }
    }

    /// <summary>
    /// The configuration provider says only "Failed to load configuration from file"; parsing the
    /// file again with the same JSON options finds the line and column (1-based, as editors count).
    /// </summary>
    private static string WhyUnreadable(string configFile, Exception failure)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(configFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "cannot be read: " + e.Message;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? "cannot be read: " + (failure.InnerException ?? failure).Message
                : "is not a JSON object: settings go inside { }.";
        }
        catch (JsonException e)
        {
            var reason = e.Message;
            var details = reason.IndexOf(" Path:", StringComparison.Ordinal) is var at and >= 0 ? at
                : reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = (details >= 0 ? reason[..details] : reason).TrimEnd('.', ' ');
            return $"is not valid JSON at line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}: {reason}.";
        }
    }

    private static void AddValueProblem(List<string> problems, SettingsSchema.KeyCheck check, string value, string source)
    {
        if (SettingsSchema.CheckValue(check.ValueType!, value) is { } allowed)
        {
            problems.Add($"{check.Canonical}: '{value}' {allowed} ({source}).");
        }
    }

    /// <summary>Keys that carry a value; sections ("Server") and empty lists ("[]") carry none.</summary>
    private static IEnumerable<(string Key, string Value)> Leaves(IConfiguration configuration) =>
        configuration.AsEnumerable().Where(pair => pair.Value is not null).Select(pair => (pair.Key, pair.Value!)).OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase);

    private static string VariableName(string key) => EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);

    private static string DidYouMean(string? suggestion) => suggestion is null ? string.Empty : $" (did you mean {suggestion}?)";
}
