using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Operations;

/// <summary>
/// `ferry serve` as a process with the operations listener on a free loopback port, one user
/// ("bob") with a home of its own, and the FTP and passive ports free; everything in one temp folder.
/// </summary>
internal sealed class OperationsFerry : IAsyncDisposable
{
    public const string User = "bob";
    public const string Password = "bob's long password";

    private readonly string _folder;
    private readonly FerryProcess _process;

    private OperationsFerry(string folder, FerryProcess process, int ftpPort, int operationsPort)
    {
        _folder = folder;
        _process = process;
        FtpPort = ftpPort;
        OperationsPort = operationsPort;
    }

    public int FtpPort { get; }

    public int OperationsPort { get; }

    public string Home => Path.Combine(_folder, "home");

    public string FtpUrl => $"ftp://127.0.0.1:{FtpPort.ToString(CultureInfo.InvariantCulture)}/";

    public Uri OperationsUrl(string path) => new($"http://127.0.0.1:{OperationsPort.ToString(CultureInfo.InvariantCulture)}{path}");

    public FerryProcess Process => _process;

    /// <summary>Starts it and waits for "ready"; <paramref name="settings"/> is merged into the config file (e.g. a Server:CertificateFile).</summary>
    public static async Task<OperationsFerry> StartAsync(JsonObject? settings = null, string? folder = null)
    {
        folder ??= Path.Combine(Path.GetTempPath(), "ferry-ops-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var dataDir = Path.Combine(folder, "data");
        var home = Path.Combine(folder, "home");
        var add = await FerryProcess.RunAsync(Password, "user", "add", User, "--home", home, "--password-stdin", "--data-dir", dataDir);
        Assert.True(add.ExitCode == 0, add.Errors);

        var operationsPort = FerryProcess.FreePort();
        var config = settings ?? [];
        var operations = config["Operations"] as JsonObject ?? [];
        config["Operations"] = operations;
        operations["Listen"] ??= "127.0.0.1:" + operationsPort.ToString(CultureInfo.InvariantCulture);
        var configFile = Path.Combine(folder, "ferry.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var ftpPort = FerryProcess.FreePort();
        List<string> arguments = ["serve", "--listen", "127.0.0.1", "--port", ftpPort.ToString(CultureInfo.InvariantCulture), "--data-dir", dataDir, "--config", configFile];
        if (config["Server"]?["PassivePorts"] is null)
        {
            // A flag wins over the file: only when the test sets no range of its own.
            arguments.AddRange(["--passive-ports", FerryProcess.FreePassiveRange()]);
        }

        var process = FerryProcess.Start(null, [.. arguments]);
        var ferry = new OperationsFerry(folder, process, ftpPort, operationsPort);
        try
        {
            await process.WaitForReadyAsync();
        }
        catch
        {
            await ferry.DisposeAsync();
            throw;
        }

        return ferry;
    }

    /// <summary>curl against this server as bob, with a hard timeout.</summary>
    public static Task<ClientResult> CurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "--max-time", "30", "-u", User + ":" + Password, .. arguments]);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        FileTree.DeleteQuietly(_folder);
    }
}
