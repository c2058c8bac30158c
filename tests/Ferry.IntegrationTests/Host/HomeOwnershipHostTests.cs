using System.Globalization;
using System.Text.Json;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// Homes and the account the server runs as (issue 12): a home `ferry user add` creates as root
/// belongs to RunAsUser, so the privilege-dropped server can write there; and when the operating
/// system refuses the server anyway, the log says once per session why and how to fix it.
/// </summary>
public sealed class HomeOwnershipHostTests : IDisposable
{
    private const string Password = "home ownership password";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-homes-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_folder, "data");

    [RootFact("user add runs as root and the server drops to an account the test creates")]
    public async Task A_home_made_by_user_add_as_root_belongs_to_RunAsUser_and_takes_uploads()
    {
        await using var runAs = await MachineAccount.CreateSystemAsync("ferryho");
        var port = FerryProcess.FreePort();
        var config = WriteConfig(runAs.Name, port);
        var home = Path.Combine(_folder, "homes", "bob");
        var add = await FerryProcess.RunAsync(Password, "user", "add", "bob", "--home", home, "--password-stdin", "--config", config);
        Assert.True(add.ExitCode == 0, add.Errors);
        Assert.Equal($"{runAs.Uid}:{runAs.Gid}", await OwnerAsync(home));

        await using var server = FerryProcess.Start(null, "serve", "--config", config);
        await server.WaitForReadyAsync();
        var result = await RunClientAsync(port, "bob");
        Assert.Equal("226", result.GetProperty("stor").GetString());
        Assert.Equal("257", result.GetProperty("mkd").GetString());
    }

    [RootFact("the server drops to an account the test creates, which cannot write in a home root made")]
    public async Task A_permission_refusal_from_the_system_is_logged_once_per_session_with_the_path_account_and_fix()
    {
        await using var runAs = await MachineAccount.CreateSystemAsync("ferryho");
        var port = FerryProcess.FreePort();
        var config = WriteConfig(runAs.Name, port);
        var home = Path.Combine(_folder, "homes", "carol");
        Directory.CreateDirectory(home); // made by root beforehand (0755): user add leaves an existing home alone
        var add = await FerryProcess.RunAsync(Password, "user", "add", "carol", "--home", home, "--password-stdin", "--config", config);
        Assert.True(add.ExitCode == 0, add.Errors);
        Assert.Equal("0:0", await OwnerAsync(home));

        await using var server = FerryProcess.Start(null, "serve", "--config", config, "--log-level", "Warning");
        await server.WaitForReadyAsync();
        var result = await RunClientAsync(port, "carol");
        Assert.Equal("550", result.GetProperty("stor").GetString());
        Assert.Equal("550", result.GetProperty("mkd").GetString());

        var expected = $"the server runs as '{runAs.Name}', which may not write in the home {home}. If it should, run: chown -R {runAs.Name}: {home}";
        string[] warnings = [];
        for (var wait = 0; wait < 100 && warnings.Length == 0; wait++)
        {
            warnings = [.. server.Output.Split('\n').Where(line => line.Contains("Ferry[8001]", StringComparison.Ordinal))];
            await Task.Delay(50);
        }

        var warning = Assert.Single(warnings);
        Assert.Contains("warn:", warning, StringComparison.Ordinal);
        Assert.Matches(@"refused STOR ""?/upload\.txt""? for ""?carol""?", warning);
        Assert.Contains(expected, warning, StringComparison.Ordinal);
    }

    private string WriteConfig(string runAsUser, int port)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "ferry-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            RunAsUser = runAsUser,
            DataDir,
            Server = new { ListenAddress = "127.0.0.1", Port = port, PassivePorts = FerryProcess.FreePassiveRange() },
        }));
        return path;
    }

    private static async Task<string> OwnerAsync(string path) =>
        (await ClientProcess.RunAsync("stat", ["-c", "%u:%g", path])).AssertSuccess().StdOut.Trim();

    /// <summary>One session: an upload and a MKD; the reply code of each.</summary>
    private static async Task<JsonElement> RunClientAsync(int port, string user)
    {
        const string Script = """
            import ftplib, io, json, sys
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", int(sys.argv[1]), timeout=20)
            ftp.login(sys.argv[2], sys.argv[3])
            result = {}
            for key, action in (("stor", lambda: ftp.storbinary("STOR upload.txt", io.BytesIO(b"data\n"))),
                                ("mkd", lambda: ftp.sendcmd("MKD folder"))):
                try:
                    result[key] = action()[:3]
                except ftplib.error_perm as e:
                    result[key] = str(e)[:3]
            ftp.quit()
            print(json.dumps(result))
            """;
        var result = (await ClientProcess.RunAsync("python3", ["-c", Script, port.ToString(CultureInfo.InvariantCulture), user, Password])).AssertSuccess();
        return JsonDocument.Parse(result.StdOut).RootElement.Clone();
    }

    public void Dispose()
    {
        FileTree.DeleteQuietly(_folder);
    }
}
