using System.Globalization;
using System.Net;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// Issue 5's check with a real client: a throttled 20 MiB curl download takes size/rate within
/// 10%, the server stays healthy after it, a throttled curl upload keeps to its limit too, and
/// the `ferry` host reads the rate keys (per-user overrides included) from its config file.
/// </summary>
[Collection(RaceSensitiveCollection.Name)]
public sealed class RateLimitClientTests
{
    private const int MiB = 1024 * 1024;

    private static readonly string UserArgument = TestServer.UserName + ":" + TestServer.Password;

    [Fact]
    public async Task A_throttled_20_MiB_curl_download_takes_the_expected_time_and_the_server_stays_healthy()
    {
        await using var server = await TestServer.StartAsync(o => o.DownloadRateLimit = 5 * MiB);
        using var local = new TempFolder("curl-rate");
        var bytes = FileTree.WriteRandomFile(server.PathOf("twenty.bin"), 20 * MiB);
        FileTree.WriteRandomFile(server.PathOf("small.bin"), 1000);

        var target = local.Combine("twenty.bin");
        var result = (await CurlAsync(UserArgument, "-o", target, Url(server, "/twenty.bin"))).AssertSuccess();

        // curl's own clock, from the start of the transfer to its end.
        AssertTakes(result, 20.0 * MiB / (5 * MiB));
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));

        // The same server: another transfer works, and every session is gone afterwards.
        (await CurlAsync(UserArgument, "-o", local.Combine("small.bin"), Url(server, "/small.bin"))).AssertSuccess();
        Assert.Equal(1000, new FileInfo(local.Combine("small.bin")).Length);
        await server.WaitForSessionsAsync(0);
    }

    [Fact]
    public async Task A_throttled_curl_upload_takes_the_expected_time_and_arrives_whole()
    {
        await using var server = await TestServer.StartAsync(o => o.UploadRateLimit = 2 * MiB);
        using var local = new TempFolder("curl-rate");
        var source = local.Combine("six.bin");
        var bytes = FileTree.WriteRandomFile(source, 6 * MiB);

        var result = (await CurlAsync(UserArgument, "-T", source, Url(server, "/six.bin"))).AssertSuccess();

        AssertTakes(result, 6.0 * MiB / (2 * MiB));
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf("six.bin")));
        await server.WaitForSessionsAsync(0);
    }

    [Fact]
    public async Task A_throttled_FTPS_download_keeps_to_the_limit_through_TLS()
    {
        // PROT P takes the user-space copy through SslStream rather than sendfile; the limit
        // counts the bytes handed to TLS, so the file takes size/rate plus TLS framing (<1%).
        await using var server = await TestServer.StartAsync(o => o.DownloadRateLimit = 2 * MiB);
        using var local = new TempFolder("curl-rate");
        var bytes = FileTree.WriteRandomFile(server.PathOf("four.bin"), 4 * MiB);

        var target = local.Combine("four.bin");
        var result = (await CurlAsync(UserArgument, "--ssl-reqd", "-k", "-o", target, Url(server, "/four.bin"))).AssertSuccess();

        AssertTakes(result, 4.0 * MiB / (2 * MiB));
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));
    }

    [Fact]
    public async Task The_ferry_host_reads_rate_limits_and_per_user_overrides_from_its_config_file()
    {
        using var folder = new TempFolder("ferry-rate-host");
        var dataDir = folder.Combine("data");
        var home = folder.Combine("bob");
        var add = await FerryProcess.RunAsync("bob password, long enough", "user", "add", "bob", "--home", home, "--password-stdin", "--data-dir", dataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        var bytes = FileTree.WriteRandomFile(Path.Combine(home, "four.bin"), 4 * MiB);

        // A value meant as KiB/s is refused at start, naming the key.
        var bad = folder.Combine("bad.json");
        await File.WriteAllTextAsync(bad, """{ "Server": { "UserRateLimits": { "bob": { "Download": 100 } } } }""");
        var refused = await FerryProcess.RunAsync(null, "serve", "--config", bad, "--data-dir", dataDir);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Server:UserRateLimits:bob:Download", refused.Errors, StringComparison.Ordinal);

        // Everyone else 256 KiB/s; bob 2 MiB/s (his upload limit, not named, stays the default).
        var config = folder.Combine("ferry.json");
        await File.WriteAllTextAsync(config, """
            {
              "Server": {
                "DownloadRateLimit": 262144,
                "UploadRateLimit": 262144,
                "UserDownloadRateLimit": 0,
                "ServerDownloadRateLimit": 67108864,
                "UserRateLimits": { "bob": { "Download": 2097152 } }
              }
            }
            """);
        var port = FerryProcess.FreePort();
        await using var ferry = FerryProcess.Start(null, "serve", "--config", config, "--listen", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", dataDir);
        await ferry.WaitForReadyAsync();

        var target = folder.Combine("four.bin");
        var result = (await CurlAsync("bob:bob password, long enough", "-o", target, $"ftp://127.0.0.1:{port}/four.bin")).AssertSuccess();
        AssertTakes(result, 4.0 * MiB / (2 * MiB));
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));

        // And the server still answers.
        await using var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await ftp.ExpectAsync(220);
        await ftp.LoginAsync("bob", "bob password, long enough");
        await ftp.CommandAsync("SIZE four.bin", 213);
    }

    /// <summary>
    /// curl -w prints its time_pretransfer and time_total last on stdout; the difference is the
    /// transfer itself, without the login (the host's real PBKDF2 cost and its first-use JIT
    /// would otherwise add a few hundred ms that have nothing to do with the limit).
    /// </summary>
    private static void AssertTakes(ClientResult result, double expectedSeconds)
    {
        var times = result.StdOut.Trim().Split('\n')[^1].Split(' ');
        var seconds = double.Parse(times[1], CultureInfo.InvariantCulture) - double.Parse(times[0], CultureInfo.InvariantCulture);
        // Not faster than the limit allows (-10%): that is what a limit promises. Not much slower
        // either (+10%), plus 0.3 s for what no schedule controls on a loaded machine: the last
        // chunk's send after its slot, the data TLS handshake, the 226 and curl being scheduled.
        Assert.True(seconds >= expectedSeconds * 0.90 && seconds <= (expectedSeconds * 1.10) + 0.3,
            $"expected {expectedSeconds:0.000} s -10%/+10%+0.3 s, curl took {seconds:0.000} s: {result.Describe()}");
    }

    private static string Url(TestServer server, string path) => $"ftp://{server.UrlHost}:{server.Port}{path}";

    private static Task<ClientResult> CurlAsync(string user, params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "-g", "--max-time", "50", "--connect-timeout", "10", "-w", "\n%{time_pretransfer} %{time_total}\n", "--user", user, .. arguments]);
}
