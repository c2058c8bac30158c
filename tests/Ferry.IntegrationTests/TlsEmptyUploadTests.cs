using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Security.Tls;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// An empty file uploaded over TLS (a "done" marker after a delivery, common in partner feeds):
/// the client may end the data connection right after its handshake, without close_notify, and
/// each run races the server's side of the handshake, so one run proves little and fifty do.
/// </summary>
[Collection(RaceSensitiveCollection.Name)]
public sealed class TlsEmptyUploadTests
{
    private const int Runs = 50;
    private static readonly string UnfinishedScript = Path.Combine(AppContext.BaseDirectory, "Scripts", "tls_unfinished_upload.py");
    private static readonly string NodeScript = Path.Combine(AppContext.BaseDirectory, "Scripts", "node", "empty_uploads.js");

    // The old code lost 50 of 50. basic-ftp sometimes ends its data connection before its own TLS
    // Finished is out (a packet trace: ClientHello, the server's flight, FIN), 2-6 of 50 under load:
    // the empty-upload test below makes that case deterministic.
    [Fact]
    public async Task Fifty_empty_uploads_from_basic_ftp_are_all_stored_with_226()
    {
        await using var server = await StartAsync();
        var result = (await ClientProcess.RunAsync("node",
            [NodeScript, "127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password,
             Runs.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromMinutes(3))).AssertSuccess();
        var replies = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Runs, replies.Length);
        var failed = replies.Where(line => !line.Split(": ", 2)[1].StartsWith("226", StringComparison.Ordinal)).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {Runs} uploads failed:{Environment.NewLine}{string.Join(Environment.NewLine, failed)}");
        AssertStoredEmpty(server, "empty-{0}.txt");
    }

    [Fact]
    public async Task Fifty_empty_uploads_from_curl_are_all_stored_with_226()
    {
        await using var server = await StartAsync();
        var empty = Path.Combine(Directory.CreateTempSubdirectory("ferry-empty-").FullName, "empty");
        await File.WriteAllBytesAsync(empty, []);
        try
        {
            var url = $"ftp://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/";
            for (var n = 1; n <= Runs; n++)
            {
                var result = await ClientProcess.RunAsync("curl",
                    ["-sS", "-k", "--ssl-reqd", "--user", TestServer.UserName + ":" + TestServer.Password, "-w", "%{response_code}",
                     "-T", empty, url + $"curl-{n}.txt"]);
                Assert.True(result.ExitCode == 0 && result.StdOut.Trim() == "226", $"upload {n}: {result.Describe()}");
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(empty)!, recursive: true);
        }

        AssertStoredEmpty(server, "curl-{0}.txt");
    }

    [Theory]
    [InlineData("resumed13", true, "226")]
    [InlineData("fresh13", false, "425")]
    [InlineData("resumed12", true, "425")]
    public async Task A_client_that_hangs_up_before_its_TLS_Finished_stores_an_empty_file_only_when_TLS_1_3_resumption_proves_it_is_the_client(
        string mode, bool resumes, string expected)
    {
        await using var server = await StartAsync();
        var result = (await ClientProcess.RunAsync("python3",
            [UnfinishedScript, "127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password,
             mode, "unfinished.txt"])).AssertSuccess();
        Assert.Contains($"resumed: {resumes}", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("final: " + expected, result.StdOut, StringComparison.Ordinal);
        if (expected == "226")
        {
            Assert.True(new FileInfo(server.PathOf("unfinished.txt")) is { Exists: true, Length: 0 });
        }
    }

    private static void AssertStoredEmpty(TestServer server, string nameFormat)
    {
        for (var n = 1; n <= Runs; n++)
        {
            var stored = new FileInfo(server.PathOf(string.Format(CultureInfo.InvariantCulture, nameFormat, n)));
            Assert.True(stored is { Exists: true, Length: 0 }, $"{stored.Name}: exists {stored.Exists}");
        }
    }

    private static Task<TestServer> StartAsync() => TestServer.StartAsync(options =>
    {
        // TLS on loopback too (the default spares loopback), with the defaults under test:
        // DataTlsSessionReuse=Adaptive and RefuseUploadsWithoutCloseNotify=true.
        options.RequireTls = TlsRequirement.Everywhere;
        options.RequireDataTls = TlsRequirement.Everywhere;
    });
}
