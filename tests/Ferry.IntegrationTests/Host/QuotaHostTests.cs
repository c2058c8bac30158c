using System.Globalization;
using System.Net;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>`ferry user add/set --quota-bytes --quota-files --umask`, `ferry user list` and `ferry user quota --scan` against a running `ferry serve`.</summary>
public sealed class QuotaHostTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-quota-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_folder, "data");

    [Fact]
    public async Task Quota_options_show_in_user_list_and_a_scan_is_taken_by_the_running_server_at_the_next_login()
    {
        var home = Path.Combine(_folder, "dave");
        var add = await FerryProcess.RunAsync("dave's long password!", "user", "add", "dave", "--home", home, "--password-stdin",
            "--quota-bytes", "1M", "--quota-files", "10", "--umask", "027", "--data-dir", DataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        await File.WriteAllBytesAsync(Path.Combine(home, "one.bin"), new byte[1000]);
        Directory.CreateDirectory(Path.Combine(home, "sub"));
        await File.WriteAllBytesAsync(Path.Combine(home, "sub", "two.bin"), new byte[2000]);

        var unscanned = await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir);
        Assert.Contains("quota ?/1 MiB, ?/10 files, umask 027", unscanned.Output, StringComparison.Ordinal);
        var scan = await FerryProcess.RunAsync(null, "user", "quota", "--scan", "dave", "--data-dir", DataDir);
        Assert.True(scan.ExitCode == 0, scan.Errors);
        Assert.Contains("quota 2.9 KiB/1 MiB, 2/10 files", scan.Output, StringComparison.Ordinal);
        Assert.Contains("quota 2.9 KiB/1 MiB, 2/10 files", (await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir)).Output, StringComparison.Ordinal);

        var bad = await FerryProcess.RunAsync(null, "user", "set", "dave", "--quota-bytes", "lots", "--data-dir", DataDir);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--quota-bytes 'lots'", bad.Errors, StringComparison.Ordinal);

        var port = FerryProcess.FreePort();
        await using var server = FerryProcess.Start(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir);
        await server.WaitForReadyAsync();
        await using (var ftp = await LogInAsync(port))
        {
            Assert.Contains("bytes 3000/1048576, files 2/10", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);
        }

        // Files added behind the server's back, counted again by the CLI: the server takes the new count at the next login.
        await File.WriteAllBytesAsync(Path.Combine(home, "sub", "three.bin"), new byte[5000]);
        Assert.Equal(0, (await FerryProcess.RunAsync(null, "user", "quota", "--scan", "dave", "--data-dir", DataDir)).ExitCode);
        Assert.Equal(0, (await FerryProcess.RunAsync(null, "user", "set", "dave", "--quota-files", "20", "--data-dir", DataDir)).ExitCode);
        await using (var ftp = await LogInAsync(port))
        {
            Assert.Contains("bytes 8000/1048576, files 3/20", (await ftp.CommandAsync("SITE QUOTA", 200)).Text, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static async Task<WireClient> LogInAsync(int port)
    {
        var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await ftp.ExpectAsync(220);
        await ftp.LoginAsync("dave", "dave's long password!");
        return ftp;
    }
}
