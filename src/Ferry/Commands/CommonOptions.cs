using System.CommandLine;
using Ferry.Configuration;
using Ferry.Hosting;
using Ferry.Server.Security;

namespace Ferry.Commands;

/// <summary>Flags shared by every command, and opening the user store they all use.</summary>
internal static class CommonOptions
{
    public static Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = $"Configuration file (default: {SettingsLoader.DefaultConfigFile} in the working directory, if present).",
        Recursive = true,
    };

    public static Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Folder for the user store and all other state (default: ./ferry-data).",
        Recursive = true,
    };

    public static FerrySettings Load(ParseResult result, IDictionary<string, string?>? flags = null)
    {
        flags ??= new Dictionary<string, string?>();
        if (result.GetValue(DataDir) is { } dataDir)
        {
            flags["DataDir"] = dataDir;
        }

        return SettingsLoader.Load(result.GetValue(Config), flags);
    }

    /// <summary>Opens the store, creating and checking the data folder and the store file as <see cref="DataFolderProtection"/> says.</summary>
    public static SqliteUserStore OpenUsers(FerrySettings settings)
    {
        var storePath = Path.Combine(settings.DataDir, "users.db");
        foreach (var warning in DataFolderProtection.Prepare(settings.DataDir, storePath))
        {
            Console.Error.WriteLine("ferry: " + warning);
        }

        return new SqliteUserStore(storePath);
    }

    /// <summary>Runs a command body, turning expected failures into one line on stderr and an exit code.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (SettingsException e)
        {
            // One line per mistake, each naming its key, so a script's log shows them all at once.
            foreach (var line in e.Message.Split(Environment.NewLine))
            {
                await Console.Error.WriteLineAsync("ferry: " + line);
            }

            return 2;
        }
        catch (AdminClientException e)
        {
            await Console.Error.WriteLineAsync("ferry: " + e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync("ferry: " + e.Message);
            return 1;
        }
    }
}
