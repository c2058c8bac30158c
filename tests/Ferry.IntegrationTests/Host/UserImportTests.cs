using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Security;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// `ferry user import` run as the real process on shadow, pureftpd.passwd and Ferry files, then
/// `ferry serve` on 127.0.0.1 and real clients (python3 ftplib, curl) logging in with the
/// passwords the hashes were made from. Hashes come from tools other than Ferry: `openssl passwd`
/// run here, the yescrypt reference TESTS-OK and Openwall's crypt_blowfish "U*U" vector.
/// </summary>
public sealed class UserImportTests : IDisposable
{
    private const string Password = "correct horse battery";

    /// <summary>openwall/yescrypt TESTS-OK, first hash; its password is "pleaseletmein".</summary>
    private const string Yescrypt = "$y$jD5.7$LdJMENpBABJJ3hIHjB1Bi.$HboGM6qPrsK.StKYGt6KErmUYtioHreJd98oIugoNB6";

    /// <summary>crypt_blowfish's test vector for the password "U*U".</summary>
    private const string Bcrypt = "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-import-" + Guid.NewGuid().ToString("N")[..12]);

    public UserImportTests() => Directory.CreateDirectory(_folder);

    private string DataDir => Path.Combine(_folder, "data");

    [Fact]
    public async Task Shadow_accounts_log_in_with_their_sha512_yescrypt_and_bcrypt_passwords_and_locked_ones_do_not()
    {
        var sha512 = await OpensslPasswdAsync("-6", Password);
        var shadow = await WriteFileAsync("shadow",
            "root:*:19000:0:99999:7:::",
            $"alice:{sha512}:19000:0:99999:7:::",
            $"yuri:{Yescrypt}:19000:0:99999:7:::",
            $"bea:{Bcrypt}:19000:0:99999:7:::",
            $"lou:!{sha512}:19000:0:99999:7:::",
            $"old:{sha512}:19000:0:99999:7::1:");
        var homes = Path.Combine(_folder, "homes");

        var import = await ImportAsync(shadow, "--home-base", homes);
        Assert.True(import.ExitCode == 0, import.Errors);
        Assert.Contains("Imported 6 users, skipped 0.", import.Output, StringComparison.Ordinal);
        Assert.Contains("line 6: 'old': the account expired", import.Errors, StringComparison.Ordinal);
        foreach (var name in new[] { "alice", "yuri", "bea", "lou", "old" })
        {
            await File.WriteAllTextAsync(Path.Combine(homes, name, "hello.txt"), "hello " + name);
        }

        var port = FerryProcess.FreePort();
        await using var server = await ServeAsync(port);

        AssertLoggedIn(await FetchAsync(port, "alice", Password), "hello.txt", "hello alice");
        AssertLoggedIn(await FetchAsync(port, "yuri", "pleaseletmein"), "hello.txt", "hello yuri");
        AssertLoggedIn(await FetchAsync(port, "bea", "U*U"), "hello.txt", "hello bea");
        AssertRefused(await FetchAsync(port, "alice", Password + "!"));
        AssertRefused(await FetchAsync(port, "lou", Password));
        AssertRefused(await FetchAsync(port, "old", Password));
        AssertRefused(await FetchAsync(port, "root", "*"));

        // `passwd -l` kept the hash behind "!": enabling the account brings the old password back.
        var enable = await FerryProcess.RunAsync(null, "user", "enable", "lou", "--data-dir", DataDir);
        Assert.True(enable.ExitCode == 0, enable.Errors);
        AssertLoggedIn(await FetchAsync(port, "lou", Password), "hello.txt", "hello lou");
    }

    [Fact]
    public async Task Pureftpd_accounts_are_jailed_at_the_folder_before_slash_dot_slash_and_md5_gets_a_warning()
    {
        var sha512 = await OpensslPasswdAsync("-6", Password);
        var md5 = await OpensslPasswdAsync("-1", "old and weak");
        var ftp = Path.Combine(_folder, "ftp");
        Directory.CreateDirectory(Path.Combine(ftp, "joe"));
        await File.WriteAllTextAsync(Path.Combine(ftp, "joe", "joe.txt"), "joe's file");
        await File.WriteAllTextAsync(Path.Combine(ftp, "readme.txt"), "top of the tree");

        // Lines as `pure-pw useradd` writes them (README.Virtual-Users): 19 fields, quotas set on joe.
        var passwd = await WriteFileAsync("pureftpd.passwd",
            $"joe:{sha512}:500:101::{ftp}/joe/./::::::1000:10485760::::::",
            $"ann:{sha512}:500:101:Ann:{ftp}/./ann:::::::::::::",
            $"mo:{md5}:500:101::{ftp}/mo/./:::::::::::::",
            $"ip:{sha512}:500:101::{ftp}/ip/./::::::::::10.0.0.0/8::0900-1800:");

        var import = await ImportAsync(passwd);
        Assert.True(import.ExitCode == 0, import.Errors);
        Assert.Contains("Imported 4 users, skipped 0.", import.Output, StringComparison.Ordinal);
        Assert.Contains("line 3: 'mo' has a weak $1$ hash", import.Errors, StringComparison.Ordinal);
        Assert.Contains("line 4: 'ip': Ferry does not import Pure-FTPd's authorized client IPs, time restrictions", import.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("line 1:", import.Errors, StringComparison.Ordinal);
        var list = await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir);
        Assert.Contains($"joe\tenabled\tall\t{ftp}/joe\t", list.Output, StringComparison.Ordinal);
        Assert.Contains($"ann\tenabled\tall\t{ftp}\t", list.Output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(ftp, "mo")), "homes are created");

        var port = FerryProcess.FreePort();
        await using var server = await ServeAsync(port);
        var url = $"ftp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";

        var joeList = (await CurlAsync(["-sS", "-l", "--user", $"joe:{Password}", url])).AssertSuccess();
        Assert.Equal("joe.txt", joeList.StdOut.Trim());
        var joeFile = (await CurlAsync(["-sS", "--user", $"joe:{Password}", url + "joe.txt"])).AssertSuccess();
        Assert.Equal("joe's file", joeFile.StdOut);
        var annFile = (await CurlAsync(["-sS", "--user", $"ann:{Password}", url + "readme.txt"])).AssertSuccess();
        Assert.Equal("top of the tree", annFile.StdOut);
        var moList = (await CurlAsync(["-sS", "-l", "--user", "mo:old and weak", url])).AssertSuccess();
        Assert.Equal(string.Empty, moList.StdOut.Trim());

        // curl's exit code 67: "the remote server denied curl to login".
        var wrong = await CurlAsync(["-sS", "-v", "--user", "joe:not it", url]);
        Assert.True(wrong.ExitCode == 67, wrong.Describe());
        Assert.Contains("530", wrong.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_lines_are_reported_by_number_and_skipped_while_the_rest_imports_with_exit_code_1()
    {
        var sha512 = await OpensslPasswdAsync("-6", Password);
        var home = Path.Combine(_folder, "shared home");
        var file = await WriteFileAsync("users.txt",
            "# name:hash:home[:permissions]",
            $"amy:{sha512}:{home}",
            "this line is not a user",
            string.Empty,
            $"bo b:{sha512}:{home}",
            $"cat:$9$abc$def:{home}",
            $"amy:{sha512}:{home}",
            $"dan:{sha512}:relative/home",
            $"eli:{sha512}:{home}:list,wirte",
            $"fay:{sha512}:{home}:read-only",
            $"gus:abJnggxhB/yWI:{home}");

        var import = await ImportAsync(file);
        Assert.True(import.ExitCode == 1, import.Output + import.Errors);
        Assert.Contains("Imported 2 users, skipped 7.", import.Output, StringComparison.Ordinal);
        foreach (var line in new[] { 3, 5, 6, 7, 8, 9, 11 })
        {
            Assert.Contains($"ferry: line {line}: ", import.Errors, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("line 2:", import.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("line 10:", import.Errors, StringComparison.Ordinal);
        Assert.Contains("line 7: user 'amy' is already on line 2", import.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(sha512, import.Errors, StringComparison.Ordinal);

        var list = await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir);
        Assert.Equal(["amy\tenabled\tall\t" + home, "fay\tenabled\tlist,read\t" + home], list.Output.Trim().Split('\n').Select(line => string.Join('\t', line.Split('\t')[..4])));
    }

    [Fact]
    public async Task A_dry_run_writes_nothing_neither_store_nor_homes_nor_changes()
    {
        var first = await OpensslPasswdAsync("-6", Password);
        var home = Path.Combine(_folder, "ftp", "new");
        var file = await WriteFileAsync("pureftpd.passwd", $"neo:{first}:500:101::{home}/./::::::::::::");

        var dry = await ImportAsync(file, "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.Errors);
        Assert.Contains($"Would add 'neo' (home {home}).", dry.Output, StringComparison.Ordinal);
        Assert.Contains("Dry run, nothing written: would import 1 users, skip 0.", dry.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDir), "a dry run created the data folder");
        Assert.False(Directory.Exists(home), "a dry run created a home");

        Assert.Equal(0, (await ImportAsync(file)).ExitCode);
        var second = await OpensslPasswdAsync("-6", "another one");
        await WriteFileAsync("pureftpd.passwd", $"neo:{second}:500:101::{home}/./::::::::::::", "#", $"zed:{second}:500:101::{home}-zed/./::");
        var dryUpdate = await ImportAsync(file, "--dry-run", "--update");
        Assert.True(dryUpdate.ExitCode == 0, dryUpdate.Errors);
        Assert.Contains("Would update 'neo'", dryUpdate.Output, StringComparison.Ordinal);
        Assert.Contains("Would add 'zed'", dryUpdate.Output, StringComparison.Ordinal);

        using var store = new SqliteUserStore(Path.Combine(DataDir, "users.db"));
        Assert.Equal(first, (await store.FindAsync("neo", CancellationToken.None))!.PasswordHash);
        Assert.Null(await store.FindAsync("zed", CancellationToken.None));
        Assert.False(Directory.Exists(home + "-zed"));
    }

    [Fact]
    public async Task Existing_users_are_skipped_unless_update_which_keeps_what_the_file_does_not_say()
    {
        var first = await OpensslPasswdAsync("-6", Password);
        var second = await OpensslPasswdAsync("-5", "the new one");
        var home = Path.Combine(_folder, "amy");
        var file = await WriteFileAsync("users.txt", $"amy:{first}:{home}:read-only");
        Assert.Equal(0, (await ImportAsync(file)).ExitCode);

        await WriteFileAsync("users.txt", $"amy:{second}:{home}2");
        var again = await ImportAsync(file);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("line 1: user 'amy' already exists (--update replaces it); skipped.", again.Errors, StringComparison.Ordinal);
        using var store = new SqliteUserStore(Path.Combine(DataDir, "users.db"));
        Assert.Equal(first, (await store.FindAsync("amy", CancellationToken.None))!.PasswordHash);

        var update = await ImportAsync(file, "--update");
        Assert.True(update.ExitCode == 0, update.Errors);
        Assert.Contains("Updated 'amy'", update.Output, StringComparison.Ordinal);
        var amy = (await store.FindAsync("amy", CancellationToken.None))!;
        Assert.Equal(second, amy.PasswordHash);
        Assert.Equal(home + "2", amy.HomeDirectory);
        Assert.Equal(UserPermissions.ReadOnly, amy.Permissions);
        Assert.True(PasswordHasher.Verify("the new one", amy.PasswordHash));
    }

    [Fact]
    public async Task Shadow_homes_come_from_a_passwd_file_with_vsftpd_slash_dot_slash_jails()
    {
        var sha512 = await OpensslPasswdAsync("-6", Password);
        var shadow = await WriteFileAsync("shadow", $"kim:{sha512}:19000:0:99999:7:::", $"lee:{sha512}:19000:0:99999:7:::", $"nox:{sha512}:19000:0:99999:7:::");
        var passwd = await WriteFileAsync("passwd",
            $"kim:x:1001:1001:Kim:{_folder}/srv/./kim:/bin/bash",
            $"lee:x:1002:1002::{_folder}/lee:/bin/sh");

        var import = await ImportAsync(shadow, "--passwd", passwd);
        Assert.Equal(1, import.ExitCode);
        Assert.Contains("line 3: user 'nox' is not in the passwd file", import.Errors, StringComparison.Ordinal);
        var list = await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir);
        Assert.Contains($"kim\tenabled\tall\t{_folder}/srv\t", list.Output, StringComparison.Ordinal);
        Assert.Contains($"lee\tenabled\tall\t{_folder}/lee\t", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unusable_input_exits_2_and_imports_nothing()
    {
        var sha512 = await OpensslPasswdAsync("-6", Password);
        var shadow = await WriteFileAsync("shadow", $"kim:{sha512}:19000:0:99999:7:::");
        var strange = await WriteFileAsync("strange", "a:b:c:d:e");

        var missing = await ImportAsync(Path.Combine(_folder, "no such file"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("cannot read", missing.Errors, StringComparison.Ordinal);
        var noHome = await ImportAsync(shadow);
        Assert.Equal(2, noHome.ExitCode);
        Assert.Contains("--home-base", noHome.Errors, StringComparison.Ordinal);
        var unknown = await ImportAsync(strange);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("cannot tell the format", unknown.Errors, StringComparison.Ordinal);
        Assert.Equal(2, (await ImportAsync(shadow, "--format", "passwd", "--home-base", _folder)).ExitCode);

        var list = await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir);
        Assert.Equal(string.Empty, list.Output.Trim());
    }

    public void Dispose() => FileTree.DeleteQuietly(_folder);

    private static void AssertLoggedIn(ClientResult result, string listing, string content)
    {
        result.AssertSuccess();
        Assert.Contains("LIST " + listing + "\n", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("DATA " + content + "\n", result.StdOut, StringComparison.Ordinal);
    }

    private static void AssertRefused(ClientResult result)
    {
        Assert.True(result.ExitCode == 3, result.Describe());
        Assert.StartsWith("530 ", result.StdOut, StringComparison.Ordinal);
    }

    private static Task<ClientResult> FetchAsync(int port, string user, string password) =>
        ClientProcess.RunAsync("python3", [Path.Combine(AppContext.BaseDirectory, "Scripts", "ftplib_login_fetch.py"), "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), user, password, "hello.txt"]);

    private static Task<ClientResult> CurlAsync(string[] arguments) => ClientProcess.RunAsync("curl", ["--max-time", "30", .. arguments]);

    private static async Task<string> OpensslPasswdAsync(string algorithm, string password)
    {
        var salt = Guid.NewGuid().ToString("N")[..8];
        var result = (await ClientProcess.RunAsync("openssl", ["passwd", algorithm, "-salt", salt, password])).AssertSuccess();
        return result.StdOut.Trim();
    }

    private async Task<string> WriteFileAsync(string name, params string[] lines)
    {
        var path = Path.Combine(_folder, name);
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    private Task<FerryProcess> ImportAsync(string file, params string[] options) =>
        FerryProcess.RunAsync(null, ["user", "import", file, .. options, "--data-dir", DataDir]);

    private async Task<FerryProcess> ServeAsync(int port)
    {
        var server = FerryProcess.Start(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir);
        await server.WaitForReadyAsync();
        return server;
    }
}
