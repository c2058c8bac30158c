using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>curl against a quota: an upload past it is refused with 552 and curl exits 70 (its "Exceeded storage allocation"), nothing of it is left, and the next upload that fits works.</summary>
public sealed class CurlQuotaTests
{
    private static readonly string UserArgument = TestServer.UserName + ":" + TestServer.Password;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_upload_past_the_quota_gets_552_and_curl_fails_with_nothing_left(bool useSplice)
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DefaultQuotaBytes = 2 * 1024 * 1024;
            o.UseSplice = useSplice;
        });
        using var local = new TempFolder("curl-quota");
        var big = local.Combine("big.bin");
        FileTree.WriteRandomFile(big, 8 * 1024 * 1024);

        var refused = await CurlAsync("-T", big, Url(server, "/big.bin"));
        Assert.True(refused.ExitCode == 70, $"expected curl's CURLE_REMOTE_DISK_FULL (70, \"Exceeded storage allocation\") after the 552: {refused.Describe()}");
        Assert.True(refused.StdErr.Contains("552", StringComparison.Ordinal), refused.Describe());
        Assert.False(File.Exists(server.PathOf("big.bin")), refused.Describe());

        var small = local.Combine("small.bin");
        var bytes = FileTree.WriteRandomFile(small, 1024 * 1024);
        (await CurlAsync("-T", small, Url(server, "/small.bin"))).AssertSuccess();
        Assert.Equal(bytes, await File.ReadAllBytesAsync(server.PathOf("small.bin")));
    }

    private static string Url(TestServer server, string path) => $"ftp://{server.UrlHost}:{server.Port}{path}";

    private static Task<ClientResult> CurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "-v", "-g", "--max-time", "50", "--connect-timeout", "10", "--user", UserArgument, .. arguments]);
}
