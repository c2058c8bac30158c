using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// ncftpls (Debian package ncftp) puts ls options in the argument: "NLST -CF" by default,
/// "NLST -1" with -1, "LIST -a" with -la. Ferry once read "-1" as a path and answered 550.
/// </summary>
public sealed class NcftpTests
{
    [Fact]
    public async Task Ncftpls_default_columns_listing_gets_the_names()
    {
        await using var server = await StartWithFilesAsync();
        var (result, debug) = await RunNcftplsAsync(server, [], "/");
        result.AssertSuccess();
        Assert.True(debug.Contains("NLST -CF", StringComparison.Ordinal), debug);
        AssertListed(result, "a.txt", "sub");
        Assert.DoesNotContain(".hidden", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ncftpls_one_per_line_sends_nlst_1_and_gets_the_names()
    {
        await using var server = await StartWithFilesAsync();
        var (result, debug) = await RunNcftplsAsync(server, ["-1"], "/");
        result.AssertSuccess();
        Assert.True(debug.Contains("NLST -1", StringComparison.Ordinal), debug);
        AssertListed(result, "a.txt", "sub");

        (result, debug) = await RunNcftplsAsync(server, ["-1"], "/sub/");
        result.AssertSuccess();
        Assert.True(debug.Contains("NLST -1", StringComparison.Ordinal), debug);
        AssertListed(result, "inner.txt");
    }

    [Fact]
    public async Task Ncftpls_long_listing_with_dot_files()
    {
        await using var server = await StartWithFilesAsync();
        var (result, debug) = await RunNcftplsAsync(server, ["-la"], "/");
        result.AssertSuccess();
        Assert.True(debug.Contains("LIST -a", StringComparison.Ordinal), debug);
        AssertListed(result, ".hidden", "a.txt", "sub");
    }

    private static async Task<TestServer> StartWithFilesAsync()
    {
        var server = await TestServer.StartAsync();
        File.WriteAllText(server.PathOf("a.txt"), "a");
        File.WriteAllText(server.PathOf(".hidden"), "h");
        Directory.CreateDirectory(server.PathOf("sub"));
        File.WriteAllText(server.PathOf("sub/inner.txt"), "i");
        return server;
    }

    private static void AssertListed(ClientResult result, params string[] names)
    {
        var words = result.StdOut.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            Assert.True(words.Contains(name) || words.Contains(name + "/"), $"{name} is not listed: {result.Describe()}");
        }
    }

    /// <summary>ncftpls with its own debug log (-d), which records every command it sends.</summary>
    private static async Task<(ClientResult Result, string Debug)> RunNcftplsAsync(TestServer server, string[] lsFlags, string path)
    {
        var debugFile = Path.Combine(Path.GetTempPath(), "ferry-ncftp-" + Guid.NewGuid().ToString("N")[..12] + ".log");
        try
        {
            var result = await ClientProcess.RunAsync(
                "ncftpls",
                ["-u", TestServer.UserName, "-p", TestServer.Password, "-P", server.Port.ToString(CultureInfo.InvariantCulture), "-t", "20", "-d", debugFile, .. lsFlags, $"ftp://{server.Host}{path}"]);
            var debug = File.Exists(debugFile) ? File.ReadAllText(debugFile) : string.Empty;
            return (result, result.Describe() + Environment.NewLine + "--- ncftpls debug log ---" + Environment.NewLine + debug);
        }
        finally
        {
            File.Delete(debugFile);
        }
    }
}
