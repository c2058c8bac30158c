using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Tls;

/// <summary>rclone (Go crypto/tls) with explicit FTPS.</summary>
public sealed class RcloneFtpsTests
{
    [Fact]
    public async Task Copy_then_check_over_explicit_tls()
    {
        await using var server = await Ftps.StartStrictAsync();
        using var local = new TempFolder("rclone-ftps");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        var config = local.Combine("no-such-rclone.conf");
        var obscured = (await RcloneAsync(config, "obscure", TestServer.Password)).AssertSuccess().StdOut.Trim();

        var remote = Remote(server, obscured);

        (await RcloneAsync(config, ["copy", "--create-empty-src-dirs", source, ":ftp:dest", .. remote])).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(server.PathOf("dest")));
        (await RcloneAsync(config, ["check", source, ":ftp:dest", .. remote])).AssertSuccess();
        (await RcloneAsync(config, ["check", "--download", source, ":ftp:dest", .. remote])).AssertSuccess();

        var back = local.Combine("back");
        (await RcloneAsync(config, ["copy", "--create-empty-src-dirs", ":ftp:dest", back, .. remote])).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(source), FileTree.Snapshot(back));
    }

    [Fact]
    public async Task Copy_down_and_check_download_of_a_server_tree()
    {
        await using var server = await Ftps.StartStrictAsync();
        using var local = new TempFolder("rclone-ftps");
        FileTree.CreateSampleTree(server.PathOf("tree"));
        var config = local.Combine("no-such-rclone.conf");
        var obscured = (await RcloneAsync(config, "obscure", TestServer.Password)).AssertSuccess().StdOut.Trim();
        var remote = Remote(server, obscured);

        var back = local.Combine("back");
        (await RcloneAsync(config, ["copy", "--create-empty-src-dirs", ":ftp:tree", back, .. remote])).AssertSuccess();
        Assert.Equal(FileTree.Snapshot(server.PathOf("tree")), FileTree.Snapshot(back));
        (await RcloneAsync(config, ["check", "--download", back, ":ftp:tree", .. remote])).AssertSuccess();
    }

    [Fact]
    public async Task Without_explicit_tls_the_strict_server_refuses_the_login()
    {
        await using var server = await Ftps.StartStrictAsync();
        using var local = new TempFolder("rclone-ftps");
        var config = local.Combine("no-such-rclone.conf");
        var obscured = (await RcloneAsync(config, "obscure", TestServer.Password)).AssertSuccess().StdOut.Trim();

        var result = await RcloneAsync(
            config,
            "lsf", ":ftp:",
            "--ftp-host", server.Host,
            "--ftp-port", server.Port.ToString(CultureInfo.InvariantCulture),
            "--ftp-user", TestServer.UserName,
            "--ftp-pass", obscured,
            "--low-level-retries", "1",
            "--retries", "1",
            "--contimeout", "10s",
            "--timeout", "30s");
        Assert.True(result.ExitCode != 0, result.Describe());
        Assert.Contains("TLS required", result.StdErr, StringComparison.Ordinal);
    }

    private static string[] Remote(TestServer server, string obscured) =>
    [
        "--ftp-host", server.Host,
        "--ftp-port", server.Port.ToString(CultureInfo.InvariantCulture),
        "--ftp-user", TestServer.UserName,
        "--ftp-pass", obscured,
        "--ftp-explicit-tls",
        "--ftp-no-check-certificate",
        "--low-level-retries", "1",
        "--retries", "1",
        "--contimeout", "10s",
        "--timeout", "30s",
        "-vv",
    ];

    private static Task<ClientResult> RcloneAsync(string config, params string[] arguments) =>
        ClientProcess.RunAsync("rclone", arguments, environment: new Dictionary<string, string> { ["RCLONE_CONFIG"] = config });
}
