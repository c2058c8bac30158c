using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// `ferry serve` started as root: the process that talks to clients runs as RunAsUser (read from
/// /proc, not from what Ferry prints), a root helper binds the privileged ports, and the helper
/// dies with the server. Every server here listens on 127.0.0.1 only.
/// </summary>
public sealed class PrivilegeSeparationTests : IDisposable
{
    private const string Password = "privsep password";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-privsep-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_folder, "data");

    [RootFact("it drops from root to an account it creates and binds a port below 1024")]
    public async Task Started_as_root_the_serving_process_is_unprivileged_and_the_privileged_port_works()
    {
        await using var runAs = await MachineAccount.CreateSystemAsync("ferryps");
        var home = await AddStoreUserAsync("bob", runAs);
        var port = PrivilegedPort();
        var config = WriteConfig(runAs.Name, port, port20: false);
        await using var server = FerryProcess.Start(null, "serve", "--config", config);
        await server.WaitForReadyAsync();

        var main = Assert.Single(ProcessTable.Find("serve", config));
        var helper = Assert.Single(ProcessTable.Find("privileged-helper"), pid => ProcessTable.ParentOf(pid) == main);
        Assert.All(ProcessTable.Ids(main, "Uid"), id => Assert.Equal(runAs.Uid, id));
        Assert.All(ProcessTable.Ids(main, "Gid"), id => Assert.Equal(runAs.Gid, id));
        Assert.All(ProcessTable.Ids(helper, "Uid"), id => Assert.Equal(0u, id));

        var result = await RunClientAsync("roundtrip", port, "bob", Password);
        Assert.Equal("230", result.GetProperty("pass").GetString());
        Assert.Equal("/", result.GetProperty("pwd").GetString());
        Assert.Contains("probe.txt", result.GetProperty("nlst").EnumerateArray().Select(e => e.GetString()));
        Assert.True(result.GetProperty("same").GetBoolean());

        // Written by the unprivileged process: the file belongs to RunAsUser, not root.
        var written = new FileInfo(Path.Combine(home, "probe.txt"));
        Assert.True(written.Exists);
        Assert.Equal(runAs.Uid.ToString(CultureInfo.InvariantCulture),
            (await ClientProcess.RunAsync("stat", ["-c", "%u", written.FullName])).AssertSuccess().StdOut.Trim());

        // The helper never outlives the server, even one killed without a chance to clean up.
        (await ClientProcess.RunAsync("kill", ["-KILL", main.ToString(CultureInfo.InvariantCulture)])).AssertSuccess();
        await WaitUntilAsync(() => !ProcessTable.IsAlive(helper), "the privileged helper did not exit after the server was killed");
    }

    [RootFact("port 20 is privileged; the helper binds it")]
    public async Task With_ActiveModeSourcePort20_active_data_connections_come_from_port_20()
    {
        await using var runAs = await MachineAccount.CreateSystemAsync("ferryps");
        await AddStoreUserAsync("carol", runAs);
        var port = FerryProcess.FreePort();
        var config = WriteConfig(runAs.Name, port, port20: true);
        await using var server = FerryProcess.Start(null, "serve", "--config", config);
        await server.WaitForReadyAsync();
        var main = Assert.Single(ProcessTable.Find("serve", config));
        var helper = Assert.Single(ProcessTable.Find("privileged-helper"), pid => ProcessTable.ParentOf(pid) == main);

        // Twice: the second connection from port 20 must not find it taken (SO_REUSEADDR).
        for (var i = 0; i < 2; i++)
        {
            var result = await RunClientAsync("port20", port, "carol", Password);
            Assert.Equal("230", result.GetProperty("pass").GetString());
            Assert.Equal("150", result.GetProperty("retr").GetString());
            Assert.Equal(20, result.GetProperty("source_port").GetInt32());
            Assert.Equal("active\n", result.GetProperty("data").GetString());
            Assert.Equal("226", result.GetProperty("done").GetString());
        }

        // A clean stop takes the helper along, without the error a lost helper gets (5301).
        server.SendSignal("TERM");
        await server.WaitForExitAsync();
        Assert.Equal(0, server.ExitCode);
        await WaitUntilAsync(() => !ProcessTable.IsAlive(helper), "the privileged helper did not exit with the server");
        Assert.DoesNotContain("[5301]", server.Output, StringComparison.Ordinal);
    }

    [RootFact("only a root start looks RunAsUser up")]
    public async Task A_missing_RunAsUser_account_is_a_one_line_error_naming_the_key()
    {
        var missing = MachineAccount.UniqueName("nosuch");
        var result = await FerryProcess.RunAsync(null, "serve", "--config", WriteConfig(missing, FerryProcess.FreePort(), port20: false));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("RunAsUser", result.Errors, StringComparison.Ordinal);
        Assert.Contains("useradd --system", result.Errors, StringComparison.Ordinal);
        Assert.Single(result.Errors.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(DataDir, "users.db")), "nothing may be written as root before the check");
    }

    [RootFact("it drops to an account it creates that cannot reach the data folder")]
    public async Task A_data_folder_RunAsUser_cannot_write_is_a_one_line_error_after_the_drop()
    {
        await using var runAs = await MachineAccount.CreateSystemAsync("ferryps");
        var config = WriteConfig(runAs.Name, FerryProcess.FreePort(), port20: false);

        // The parent is root's alone (0700), as /root is: handing DataDir over is not enough.
        Directory.CreateDirectory(DataDir);
        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = await FerryProcess.RunAsync(null, "serve", "--config", config);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not writable by RunAsUser", result.Errors, StringComparison.Ordinal);
        Assert.Single(result.Errors.Trim().Split('\n'));
    }

    /// <summary>A store user whose home RunAsUser owns, as the README asks of every home.</summary>
    private async Task<string> AddStoreUserAsync(string name, MachineAccount runAs)
    {
        var home = Path.Combine(_folder, name + " home");
        var add = await FerryProcess.RunAsync(Password, "user", "add", name, "--home", home, "--password-stdin", "--data-dir", DataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        (await ClientProcess.RunAsync("chown", ["-R", $"{runAs.Uid}:{runAs.Gid}", home])).AssertSuccess();
        return home;
    }

    private string WriteConfig(string runAsUser, int port, bool port20)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "ferry-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            RunAsUser = runAsUser,
            DataDir,
            Server = new
            {
                ListenAddress = "127.0.0.1",
                Port = port,
                PassivePorts = FerryProcess.FreePassiveRange(),
                ActiveModeSourcePort20 = port20,
            },
        }));
        return path;
    }

    private static async Task<JsonElement> RunClientAsync(string mode, int port, string user, string password)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "ftplib_privsep.py");
        var result = (await ClientProcess.RunAsync("python3", [script, mode, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), user, password]))
            .AssertSuccess();
        return JsonDocument.Parse(result.StdOut).RootElement.Clone();
    }

    /// <summary>A port below 1024 free on 127.0.0.1 a moment ago: tried at random in 900-999 (root may bind them).</summary>
    private static int PrivilegedPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(900, 1000);
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free port in 900-999 on 127.0.0.1");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        FileTree.DeleteQuietly(_folder);
    }
}
