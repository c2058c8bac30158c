using System.Globalization;
using System.Text.Json;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>The settings of privilege separation and system accounts: documented, and refused where they cannot work.</summary>
public sealed class PrivilegeSettingsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-privset-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task The_example_configuration_with_the_new_keys_loads_without_an_unknown_key()
    {
        var example = Path.Combine(AppContext.BaseDirectory, "ferry.example.json");
        Assert.Contains("\"SystemAccountDenyFile\"", await File.ReadAllTextAsync(example), StringComparison.Ordinal);
        var result = await FerryProcess.RunAsync(null, "user", "list", "--config", example, "--data-dir", Path.Combine(_folder, "data"));
        Assert.True(result.ExitCode == 0, result.Errors);
    }

    [Fact]
    public async Task RunAsUser_root_is_refused_naming_the_key()
    {
        var config = WriteConfig(new { RunAsUser = "root" });
        var result = await FerryProcess.RunAsync(null, "serve", "--config", config);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("RunAsUser", result.Errors, StringComparison.Ordinal);
    }

    [RootFact("it runs ferry as an unprivileged account it creates (setpriv), to see the refusals of a non-root start")]
    public async Task Not_started_as_root_system_accounts_and_port_20_are_refused_naming_the_key()
    {
        await using var account = await MachineAccount.CreateSystemAsync("ferrynr");
        Directory.CreateDirectory(_folder);
        (await ClientProcess.RunAsync("chown", [$"{account.Uid}:{account.Gid}", _folder])).AssertSuccess();
        var dataDir = Path.Combine(_folder, "data");
        var port = FerryProcess.FreePort().ToString(CultureInfo.InvariantCulture);

        var systemAccounts = await RunAsAsync(account, WriteConfig(new { DataDir = dataDir, Server = new { ListenAddress = "127.0.0.1", Port = port, SystemAccounts = true } }));
        Assert.Equal(2, systemAccounts.ExitCode);
        Assert.Contains("Server:SystemAccounts needs Ferry started as root", systemAccounts.StdErr, StringComparison.Ordinal);

        var port20 = await RunAsAsync(account, WriteConfig(new { DataDir = dataDir, Server = new { ListenAddress = "127.0.0.1", Port = port, ActiveModeSourcePort20 = true } }));
        Assert.Equal(2, port20.ExitCode);
        Assert.Contains("Server:ActiveModeSourcePort20 needs Ferry started as root or with CAP_NET_BIND_SERVICE", port20.StdErr, StringComparison.Ordinal);
    }

    private static Task<ClientResult> RunAsAsync(MachineAccount account, string config) =>
        ClientProcess.RunAsync("setpriv", [
            "--reuid", account.Uid.ToString(CultureInfo.InvariantCulture), "--regid", account.Gid.ToString(CultureInfo.InvariantCulture), "--clear-groups",
            "dotnet", Path.Combine(AppContext.BaseDirectory, "ferry.dll"), "serve", "--config", config,
        ], environment: new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = Path.GetTempPath(), ["DOTNET_NOLOGO"] = "1" });

    private string WriteConfig(object settings)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "ferry-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(settings));
        return path;
    }

    public void Dispose() => FileTree.DeleteQuietly(_folder);
}
