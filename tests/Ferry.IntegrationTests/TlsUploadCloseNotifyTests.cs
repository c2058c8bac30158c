using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>A TLS upload that ends without close_notify may be cut short: RefuseUploadsWithoutCloseNotify decides.</summary>
public sealed class TlsUploadCloseNotifyTests
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Scripts", "ftps_close_notify.py");

    [Theory]
    [InlineData(true, "451")]
    [InlineData(false, "226")]
    public async Task An_upload_ending_without_close_notify_follows_the_setting(bool refuse, string expected)
    {
        await using var server = await TestServer.StartAsync(options => options.RefuseUploadsWithoutCloseNotify = refuse);
        var result = (await ClientProcess.RunAsync("python3",
            [Script, TestServer.Password, server.Port.ToString(CultureInfo.InvariantCulture), TestServer.UserName])).AssertSuccess();
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        Assert.StartsWith("226", lines["final-close_notify"], StringComparison.Ordinal);
        Assert.StartsWith(expected, lines["final-fin_only"], StringComparison.Ordinal);
        if (refuse)
        {
            Assert.Contains("RefuseUploadsWithoutCloseNotify", lines["final-fin_only"], StringComparison.Ordinal);
        }

        Assert.Equal(100000, new FileInfo(server.PathOf("close_notify.bin")).Length);
    }
}
