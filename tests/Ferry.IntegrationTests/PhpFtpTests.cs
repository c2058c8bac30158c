using Ferry.IntegrationTests.Support;
using Ferry.IntegrationTests.Tls;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// PHP's ftp extension (Debian package php-cli; Scripts/php_ftp_cycle.php) through a full cycle,
/// plain and over TLS. Its ftp_cdup() takes only a 250 reply (RFC 959 §4.1.1: CDUP's replies are
/// CWD's), so a server answering CDUP with 200 makes it return false.
/// </summary>
public sealed class PhpFtpTests
{
    [Fact]
    public async Task Php_ftp_full_cycle_plain_with_cdup()
    {
        await using var server = await TestServer.StartAsync();
        var result = await RunCycleAsync(server, "plain");
        AssertOk(result);
        Assert.False(Directory.Exists(server.PathOf("php dir")), "ftp_rmdir left the folder");
    }

    /// <summary>ftp_ssl_connect: AUTH TLS, PBSZ 0, PROT P, against a server that refuses plain text even on loopback.</summary>
    [Fact]
    public async Task Php_ftp_full_cycle_over_tls_with_cdup()
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await RunCycleAsync(server, "tls");
        AssertOk(result);
        Assert.False(Directory.Exists(server.PathOf("php dir")), "ftp_rmdir left the folder");
    }

    private static void AssertOk(ClientResult result)
    {
        result.AssertSuccess();
        Assert.True(result.StdOut.TrimEnd().EndsWith("OK", StringComparison.Ordinal), result.Describe());
    }

    private static async Task<ClientResult> RunCycleAsync(TestServer server, string mode)
    {
        var workdir = Path.Combine(Path.GetTempPath(), "ferry-php-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(workdir);
        try
        {
            return await ClientProcess.RunAsync(
                "php",
                [Path.Combine(AppContext.BaseDirectory, "Scripts", "php_ftp_cycle.php"), server.Host, Ftps.Port(server.Port), TestServer.UserName, TestServer.Password, mode, workdir]);
        }
        finally
        {
            FileTree.DeleteQuietly(workdir);
        }
    }
}
