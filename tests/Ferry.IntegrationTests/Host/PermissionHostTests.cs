using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>Permissions through the real `ferry` host: `user add --upload-only/--permissions`, `user set`, `user list`, and Server:DirectoryPermissions from the config file.</summary>
public sealed class PermissionHostTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-perm-host-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_folder, "data");

    [Fact]
    public async Task User_add_and_set_take_presets_and_permission_lists_and_list_shows_them()
    {
        Assert.Equal(0, (await AddAsync("drop", "--upload-only")).ExitCode);
        Assert.Equal(0, (await AddAsync("reader", "--read-only")).ExitCode);
        Assert.Equal(0, (await AddAsync("custom", "--permissions", "list,download,mkdir")).ExitCode);
        Assert.Equal(0, (await AddAsync("everything")).ExitCode);

        var twoPresets = await AddAsync("bad", "--read-only", "--upload-only");
        Assert.Equal(2, twoPresets.ExitCode);
        Assert.Contains("at most one of --permissions, --read-only and --upload-only", twoPresets.Errors, StringComparison.Ordinal);
        var unknown = await AddAsync("bad", "--permissions", "list,wirte");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'wirte' is not a permission", unknown.Errors, StringComparison.Ordinal);

        var list = (await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir)).Output;
        Assert.Contains("drop\tenabled\twrite\t", list, StringComparison.Ordinal);
        Assert.Contains("reader\tenabled\tlist,read\t", list, StringComparison.Ordinal);
        Assert.Contains("custom\tenabled\tlist,read,mkdir\t", list, StringComparison.Ordinal);
        Assert.Contains("everything\tenabled\tall\t", list, StringComparison.Ordinal);
        Assert.DoesNotContain("bad", list, StringComparison.Ordinal);

        Assert.Equal(0, (await FerryProcess.RunAsync(null, "user", "set", "custom", "--permissions", "write,overwrite", "--data-dir", DataDir)).ExitCode);
        Assert.Equal(2, (await FerryProcess.RunAsync(null, "user", "set", "custom", "--data-dir", DataDir)).ExitCode);
        Assert.Equal(1, (await FerryProcess.RunAsync(null, "user", "set", "nobody", "--read-only", "--data-dir", DataDir)).ExitCode);
        Assert.Contains("custom\tenabled\twrite,overwrite\t", (await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Directory_rules_from_the_config_file_let_a_read_only_user_upload_into_one_folder()
    {
        Assert.Equal(0, (await AddAsync("reader", "--read-only")).ExitCode);
        var incoming = Directory.CreateDirectory(Path.Combine(_folder, "reader", "incoming"));

        // Started as root, ferry serve drops to RunAsUser (nobody by default), which must be able
        // to write there: the rule grants the FTP permission, the file system still has its say.
        incoming.UnixFileMode |= UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var config = Path.Combine(_folder, "ferry.json");
        await File.WriteAllTextAsync(config, """
            {
              // JSON with comments, as ferry.example.json.
              "Server": {
                "DirectoryPermissions": [
                  { "Path": "/incoming", "Users": ["reader"], "Permissions": "list,write" }
                ]
              }
            }
            """);

        var port = FerryProcess.FreePort();
        await using var server = FerryProcess.Start(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir, "--config", config);
        await server.WaitForReadyAsync();
        await using var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await ftp.ExpectAsync(220);
        await ftp.LoginAsync("reader", "reader's long password");
        await ftp.CommandAsync("TYPE I", 200);

        await UploadAsync(ftp, "STOR /incoming/in.txt", "in");
        Assert.Equal("in", File.ReadAllText(Path.Combine(_folder, "reader", "incoming", "in.txt")));
        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal("Permission denied: this account may not upload files.", (await ftp.CommandAsync("STOR /out.txt", 550)).Text);
        Assert.Equal("Permission denied: downloads are not allowed in /incoming.", (await ftp.CommandAsync("RETR /incoming/in.txt", 550)).Text);
        Assert.False(File.Exists(Path.Combine(_folder, "reader", "out.txt")));
    }

    [Fact]
    public async Task A_bad_directory_rule_is_one_line_naming_its_key()
    {
        var config = Path.Combine(_folder, "ferry.json");
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(config, """{ "Server": { "DirectoryPermissions": [ { "Path": "/pub/../etc", "Permissions": "list" } ] } }""");
        var result = await FerryProcess.RunAsync(null, "serve", "--listen", "127.0.0.1", "--port", "0", "--data-dir", DataDir, "--config", config);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Server:DirectoryPermissions:0:Path: '/pub/../etc'", result.Errors, StringComparison.Ordinal);
        Assert.Single(result.Errors.Trim().Split('\n'));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<FerryProcess> AddAsync(string name, params string[] options) =>
        FerryProcess.RunAsync(name + "'s long password", ["user", "add", name, "--home", Path.Combine(_folder, name), "--password-stdin", "--data-dir", DataDir, .. options]);

    private static async Task UploadAsync(WireClient ftp, string command, string content)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync(command, 150);
        await data.SendAsync(Encoding.UTF8.GetBytes(content), SocketFlags.None);
        data.Shutdown(SocketShutdown.Send);
        data.Close();
        await ftp.ExpectAsync(226);
    }
}
