using Microsoft.Extensions.Configuration;

namespace Ferry.Configuration;

/// <summary>
/// Reads settings in increasing precedence: the config file, FERRY_* environment variables
/// (FERRY_SERVER__PORT=21), then command-line flags. Any unknown key or bad value is an error
/// that names the key.
/// </summary>
internal static class SettingsLoader
{
    public const string DefaultConfigFile = "ferry.json";

    public static FerrySettings Load(string? configFile, IDictionary<string, string?> flags)
    {
        var explicitFile = configFile is not null;
        configFile ??= DefaultConfigFile;
        if (explicitFile && !File.Exists(configFile))
        {
            throw new SettingsException($"config file '{configFile}' does not exist.");
        }

        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(configFile), optional: true)
                .AddEnvironmentVariables("FERRY_")
                .AddInMemoryCollection(flags)
                .Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            throw new SettingsException($"config file '{configFile}' cannot be read: {e.Message}", e);
        }

        var settings = new FerrySettings();
        ConfiguredListsReplaceDefaults.Apply(configuration, settings.Server);
        try
        {
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
}
