using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// Issue 13's "done when", with the real clients doing the interrupting: an upload over an existing
/// file cut by ABOR (Python ftplib), by a reset (ftplib), by curl giving up (--max-time) and by
/// rclone killed with SIGKILL leaves the old file byte for byte (SHA-256), and nothing half
/// written appears under the name. (kill -9 of the server: AtomicUploadClientTests.)
/// </summary>
public sealed class InterruptedUploadClientTests
{
    private const int OldSize = 3 * 1024 * 1024;
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Scripts", "ftplib_interrupt.py");

    [Theory]
    [InlineData("abor")]
    [InlineData("reset")]
    public async Task Python_ftplib_interrupting_an_overwrite_leaves_the_old_file_byte_for_byte(string mode)
    {
        await using var server = await TestServer.StartAsync();
        var old = FileTree.WriteRandomFile(server.PathOf("feed.bin"), OldSize);
        var result = (await ClientProcess.RunAsync("python3",
            [Script, server.Host, server.Port.ToString(CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password,
             "feed.bin", (OldSize / 2).ToString(CultureInfo.InvariantCulture), mode])).AssertSuccess();
        if (mode == "abor")
        {
            Assert.Contains("426", result.StdOut, StringComparison.Ordinal);
            Assert.Contains("226", result.StdOut, StringComparison.Ordinal);
        }

        await server.WaitForSessionsAsync(0);
        Assert.Equal(FileTree.Sha256(old), FileTree.Sha256OfFile(server.PathOf("feed.bin")));
    }

    [Fact]
    public async Task Curl_giving_up_mid_overwrite_leaves_the_old_file_byte_for_byte()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("interrupt-curl");
        var old = FileTree.WriteRandomFile(server.PathOf("feed.bin"), OldSize);
        var source = local.Combine("new.bin");
        FileTree.WriteRandomFile(source, 8 * 1024 * 1024);
        var upload = await ClientProcess.RunAsync("curl",
            ["-sS", "-g", "--limit-rate", "1M", "--max-time", "2", "--user", TestServer.UserName + ":" + TestServer.Password,
             "-T", source, $"ftp://{server.UrlHost}:{server.Port}/feed.bin"]);
        upload.AssertExitCode(28);

        await server.WaitForSessionsAsync(0);
        Assert.Equal(FileTree.Sha256(old), FileTree.Sha256OfFile(server.PathOf("feed.bin")));
    }

    [Fact]
    public async Task Rclone_killed_mid_overwrite_leaves_the_old_file_byte_for_byte()
    {
        await using var server = await TestServer.StartAsync();
        using var local = new TempFolder("interrupt-rclone");
        Directory.CreateDirectory(server.PathOf("dest"));
        var old = FileTree.WriteRandomFile(server.PathOf("dest/feed.bin"), OldSize);
        Directory.CreateDirectory(local.Combine("src"));
        FileTree.WriteRandomFile(local.Combine("src/feed.bin"), 8 * 1024 * 1024);
        var environment = new Dictionary<string, string> { ["RCLONE_CONFIG"] = local.Combine("no-such-rclone.conf") };
        var obscured = (await ClientProcess.RunAsync("rclone", ["obscure", TestServer.Password], environment: environment)).AssertSuccess().StdOut.Trim();

        // SIGKILL after 2 s at 1 MiB/s: rclone dies mid-upload, with no chance to clean up.
        var killed = await ClientProcess.RunAsync("timeout",
            ["-s", "KILL", "2", "rclone", "copy", "--bwlimit", "1M", "--ignore-times", local.Combine("src"), ":ftp:dest",
             "--ftp-host", server.UrlHost, "--ftp-port", server.Port.ToString(CultureInfo.InvariantCulture),
             "--ftp-user", TestServer.UserName, "--ftp-pass", obscured, "--low-level-retries", "1", "--retries", "1"],
            environment: environment);
        Assert.True(killed.ExitCode == 137, killed.Describe());

        await server.WaitForSessionsAsync(0);
        Assert.Equal(FileTree.Sha256(old), FileTree.Sha256OfFile(server.PathOf("dest/feed.bin")));
        var visible = Directory.GetFiles(server.PathOf("dest")).Select(Path.GetFileName).Where(name => !name!.StartsWith(".ferry-", StringComparison.Ordinal));
        Assert.Equal(["feed.bin"], visible);
    }
}
