using System.Net;
using System.Text.RegularExpressions;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>The scriptable start from the README: `ferry user add`, `ferry serve`, SIGTERM, errors as one line.</summary>
public sealed partial class HostProcessTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-host-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_folder, "data");

    [Fact]
    public async Task User_add_then_serve_accepts_logins_and_sigterm_sends_421_and_exits_0()
    {
        var home = Path.Combine(_folder, "bob home");
        var add = await FerryProcess.RunAsync("bob's long password", "user", "add", "bob", "--home", home, "--password-stdin", "--data-dir", DataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        Assert.True(Directory.Exists(home));
        await File.WriteAllTextAsync(Path.Combine(home, "hello.txt"), "hi");

        var port = FerryProcess.FreePort();
        await using var server = FerryProcess.Start(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir);
        await server.WaitForReadyAsync();

        await using var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await ftp.ExpectAsync(220);
        await ftp.LoginAsync("bob", "bob's long password");
        await ftp.CommandAsync("SIZE hello.txt", 213);

        server.SendSignal("TERM");
        await ftp.ExpectAsync(421);
        await server.WaitForExitAsync();
        Assert.Equal(0, server.ExitCode);
    }

    [Fact]
    public async Task First_start_with_stdout_not_a_terminal_writes_the_password_to_a_0600_file_and_not_to_the_log()
    {
        var port = FerryProcess.FreePort();
        await using var server = FerryProcess.Start(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir);
        await server.WaitForReadyAsync();

        // stdout is a pipe here, as under systemd: the password is in the file the log names, never in the log.
        var file = Path.GetFullPath(Path.Combine(DataDir, "first-login.txt"));
        Assert.Contains($"its password is in {file} (mode 0600)", server.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var match = PrintedLogin().Match(await File.ReadAllTextAsync(file));
        Assert.True(match.Success, await File.ReadAllTextAsync(file));
        Assert.DoesNotContain(match.Groups["password"].Value, server.Output + server.Errors, StringComparison.Ordinal);

        await using var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await ftp.ExpectAsync(220);
        await ftp.CommandAsync("USER " + match.Groups["user"].Value, 331);
        await ftp.CommandAsync("PASS " + match.Groups["password"].Value, 230);
        await ftp.CommandAsync("USER anonymous", 331);
        await ftp.CommandAsync("PASS guest@example.com", 530);
    }

    [Fact]
    public async Task A_bad_setting_is_one_line_naming_the_key_and_a_non_zero_exit()
    {
        var result = await FerryProcess.RunAsync(null, "serve", "--port", "70000", "--data-dir", DataDir);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Server:Port", result.Errors, StringComparison.Ordinal);
        Assert.Single(result.Errors.Trim().Split('\n'));

        var badRange = await FerryProcess.RunAsync(null, "serve", "--passive-ports", "9000-100", "--data-dir", DataDir);
        Assert.NotEqual(0, badRange.ExitCode);
        Assert.Contains("PassivePorts", badRange.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_a_one_line_error()
    {
        using var occupied = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        var result = await FerryProcess.RunAsync(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", DataDir);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot listen", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_management_commands_change_who_can_log_in()
    {
        var home = Path.Combine(_folder, "carol");
        Assert.Equal(0, (await FerryProcess.RunAsync("first carol password", "user", "add", "carol", "--home", home, "--password-stdin", "--data-dir", DataDir)).ExitCode);
        Assert.Equal(1, (await FerryProcess.RunAsync("again carol password", "user", "add", "carol", "--home", home, "--password-stdin", "--data-dir", DataDir)).ExitCode);
        Assert.Equal(0, (await FerryProcess.RunAsync("second carol password", "user", "passwd", "carol", "--password-stdin", "--data-dir", DataDir)).ExitCode);
        Assert.Equal(0, (await FerryProcess.RunAsync(null, "user", "disable", "carol", "--data-dir", DataDir)).ExitCode);
        var list = await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir);
        Assert.Contains("carol\tdisabled", list.Output, StringComparison.Ordinal);

        var port = FerryProcess.FreePort();
        await using (var server = FerryProcess.Start(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir))
        {
            await server.WaitForReadyAsync();
            await using var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await ftp.ExpectAsync(220);
            await ftp.CommandAsync("USER carol", 331);
            await ftp.CommandAsync("PASS second", 530);
        }

        Assert.Equal(0, (await FerryProcess.RunAsync(null, "user", "enable", "carol", "--data-dir", DataDir)).ExitCode);
        await using (var server = FerryProcess.Start(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir))
        {
            await server.WaitForReadyAsync();
            await using var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await ftp.ExpectAsync(220);
            await ftp.LoginAsync("carol", "second carol password");
        }

        Assert.Equal(0, (await FerryProcess.RunAsync(null, "user", "del", "carol", "--data-dir", DataDir)).ExitCode);
        Assert.DoesNotContain("carol", (await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir)).Output, StringComparison.Ordinal);
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

    [GeneratedRegex("created user '(?<user>[^']+)' with password '(?<password>[^']+)'")]
    private static partial Regex PrintedLogin();
}
