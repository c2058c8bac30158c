using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Tls;

/// <summary>lftp (GnuTLS) with explicit FTPS forced on the control and the data connections.</summary>
public sealed class LftpFtpsTests
{
    private const string Settings =
        "set ftp:ssl-force yes; set ftp:ssl-protect-data yes; set ssl:verify-certificate no; " +
        "set net:max-retries 1; set net:timeout 10; set net:reconnect-interval-base 1; set cmd:fail-exit yes; set xfer:clobber on; ";

    public static TheoryData<string> Priorities => new()
    {
        string.Empty,
        "NORMAL:-VERS-ALL:+VERS-TLS1.2",
        "NORMAL:-VERS-ALL:+VERS-TLS1.3",
    };

    [Theory]
    [MemberData(nameof(Priorities))]
    public async Task Mirror_up_and_back_over_tls_gives_the_same_tree(string priority)
    {
        await using var server = await Ftps.StartStrictAsync();
        using var local = new TempFolder("lftp-ftps");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        var back = local.Combine("back");

        var result = (await LftpAsync(server, priority, $"mirror -R {source} /up; mirror /up {back}")).AssertSuccess();

        AssertProtected(result);
        var expected = FileTree.Snapshot(source);
        Assert.Equal(expected, FileTree.Snapshot(server.PathOf("up")));
        Assert.Equal(expected, FileTree.Snapshot(back));
    }

    [Theory]
    [MemberData(nameof(Priorities))]
    public async Task Put_and_get_of_eight_MiB_by_SHA_256(string priority)
    {
        await using var server = await Ftps.StartStrictAsync();
        using var local = new TempFolder("lftp-ftps");
        var source = local.Combine("big.bin");
        var bytes = FileTree.WriteRandomFile(source, 8 * 1024 * 1024);
        var target = local.Combine("back.bin");

        var result = (await LftpAsync(server, priority, $"put {source} -o big.bin; get big.bin -o {target}")).AssertSuccess();

        AssertProtected(result);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf("big.bin")));
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));
    }

    [Fact]
    public async Task Tls_1_1_only_client_is_refused_in_the_handshake()
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await LftpAsync(server, "NORMAL:-VERS-ALL:+VERS-TLS1.1", "cls -1");
        Assert.True(result.ExitCode != 0, result.Describe());
        Assert.Contains("---> AUTH TLS", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("gnutls_handshake", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("---> PASS", result.StdErr, StringComparison.Ordinal);
    }

    /// <summary>
    /// AUTH TLS, PBSZ 0 and PROT P were sent and accepted, and no transfer was refused or cut:
    /// lftp would hide a 426 on STOR by reconnecting, checking SIZE and carrying on.
    /// </summary>
    private static void AssertProtected(ClientResult result)
    {
        Assert.Contains("---> AUTH TLS\n<--- 234 ", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("---> PROT P\n<--- 200 ", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("---> PROT C", result.StdErr, StringComparison.Ordinal);
        foreach (var code in new[] { "<--- 425", "<--- 426", "<--- 451", "<--- 522", "<--- 530" })
        {
            Assert.True(!result.StdErr.Contains(code, StringComparison.Ordinal), $"lftp got {code[5..]}: {result.Describe()}");
        }
    }

    private static Task<ClientResult> LftpAsync(TestServer server, string priority, string commands) =>
        ClientProcess.RunAsync(
            "lftp",
            [
                "--norc",
                "-d",
                "-u", TestServer.UserName + "," + TestServer.Password,
                "-p", Ftps.Port(server.Port),
                "-e", Settings + (priority.Length > 0 ? $"set ssl:priority \"{priority}\"; " : string.Empty) + commands + "; quit",
                server.Host,
            ]);
}
