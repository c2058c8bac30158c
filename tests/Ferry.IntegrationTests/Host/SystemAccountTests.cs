using System.Globalization;
using System.Text.Json;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// System accounts through PAM, end to end: machine accounts made by the test (useradd with an
/// openssl-hashed password), a privilege-separated `ferry serve` started as root, python ftplib.
/// </summary>
public sealed class SystemAccountTests : IDisposable
{
    private const string Password = "system account password";
    private const uint MinUid = 30000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-sysacct-" + Guid.NewGuid().ToString("N")[..12]);

    [RootFact("it creates machine accounts and checks their passwords through PAM")]
    public async Task A_machine_account_logs_in_jailed_in_its_home_and_denied_ones_get_530()
    {
        Directory.CreateDirectory(_folder);
        await using var runAs = await MachineAccount.CreateSystemAsync("ferrysa");
        var used = new HashSet<uint>();
        await using var allowed = await CreateLoginAsync("fsok", NewUid(30000, 39999, used), runAs);
        await using var listed = await CreateLoginAsync("fsdeny", NewUid(30000, 39999, used), runAs);
        await using var low = await CreateLoginAsync("fslow", NewUid(20000, 29999, used), runAs);
        await using var both = await CreateLoginAsync("fsboth", NewUid(30000, 39999, used), runAs);

        var dataDir = Path.Combine(_folder, "data");
        var storeHome = Path.Combine(_folder, "store home");
        var add = await FerryProcess.RunAsync("store user password", "user", "add", both.Name, "--home", storeHome, "--password-stdin", "--data-dir", dataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        (await ClientProcess.RunAsync("chown", ["-R", $"{runAs.Uid}:{runAs.Gid}", storeHome])).AssertSuccess();

        var denyFile = Path.Combine(_folder, "ftpusers");
        await File.WriteAllTextAsync(denyFile, $"# accounts that may not use FTP\nroot\n{listed.Name}\n");
        var port = FerryProcess.FreePort();
        var config = Path.Combine(_folder, "ferry.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            RunAsUser = runAs.Name,
            DataDir = dataDir,
            Server = new
            {
                ListenAddress = "127.0.0.1",
                Port = port,
                PassivePorts = FerryProcess.FreePassiveRange(),
                FailedLoginDelay = "00:00:00",
                MaxLoginAttempts = 20,

                // The refused logins below would otherwise ban 127.0.0.1 (AddressBanHostTests covers bans).
                BanFailedLogins = 0,
                SystemAccounts = true,
                SystemAccountMinUid = MinUid,
                SystemAccountDenyFile = denyFile,
            },
        }));
        await using var server = FerryProcess.Start(null, "serve", "--config", config);
        await server.WaitForReadyAsync();

        // The right password: logged in, "/" is the home directory, an upload lands in it.
        var session = await RunClientAsync("roundtrip", port, allowed.Name, Password);
        Assert.Equal("230", session.GetProperty("pass").GetString());
        Assert.Equal("/", session.GetProperty("pwd").GetString());
        Assert.True(session.GetProperty("same").GetBoolean());
        Assert.True(File.Exists(Path.Combine(allowed.Home!, "probe.txt")), "the upload did not land in the account's home");

        Assert.Equal("530", await PassReplyAsync(port, allowed.Name, "not the password"));
        Assert.Equal("530", await PassReplyAsync(port, listed.Name, Password));
        Assert.Equal("530", await PassReplyAsync(port, low.Name, Password));
        Assert.Equal("530", await PassReplyAsync(port, MachineAccount.UniqueName("nobody"), Password));
        Assert.Equal("530", await PassReplyAsync(port, "root", Password));

        // A name in the store and on the machine is the store's account.
        Assert.Equal("530", await PassReplyAsync(port, both.Name, Password));
        Assert.Equal("230", await PassReplyAsync(port, both.Name, "store user password"));

        // Still healthy after the refusals.
        Assert.Equal("230", await PassReplyAsync(port, allowed.Name, Password));
        Assert.DoesNotContain("Unhandled", server.Errors, StringComparison.Ordinal);
    }

    /// <summary>A login account whose home RunAsUser can use through its group (what the README asks of system-account homes).</summary>
    private async Task<MachineAccount> CreateLoginAsync(string prefix, uint uid, MachineAccount runAs)
    {
        var account = await MachineAccount.CreateLoginAsync(prefix, uid, Path.Combine(_folder, prefix + "-home"), Password);
        (await ClientProcess.RunAsync("chgrp", [runAs.Gid.ToString(CultureInfo.InvariantCulture), account.Home!])).AssertSuccess();
        (await ClientProcess.RunAsync("chmod", ["2770", account.Home!])).AssertSuccess();
        return account;
    }

    private static uint NewUid(uint from, uint to, HashSet<uint> used)
    {
        while (true)
        {
            var uid = MachineAccount.FreeUid(from, to);
            if (used.Add(uid))
            {
                return uid;
            }
        }
    }

    private static async Task<string?> PassReplyAsync(int port, string user, string password) =>
        (await RunClientAsync("login", port, user, password)).GetProperty("pass").GetString();

    private static async Task<JsonElement> RunClientAsync(string mode, int port, string user, string password)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "ftplib_privsep.py");
        var result = (await ClientProcess.RunAsync("python3", [script, mode, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), user, password]))
            .AssertSuccess();
        return JsonDocument.Parse(result.StdOut).RootElement.Clone();
    }

    public void Dispose() => FileTree.DeleteQuietly(_folder);
}
