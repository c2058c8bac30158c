using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// HASH and XSHA256 through real clients: lftp uploads (its own STOR), then asks with `quote`
/// (lftp has no checksum command of its own), and the answers match the SHA-256 of the bytes
/// it sent; the upload's checksum is the kept one (HASH right after the upload is not computed).
/// </summary>
public sealed class ChecksumClientTests
{
    private const string Settings =
        "set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 10; set cmd:fail-exit yes; set xfer:clobber on; ";

    [Fact]
    public async Task Lftp_upload_then_hash_and_xsha256_match_the_bytes_sent()
    {
        var log = new RecordingLog();
        await using var server = await TestServer.StartAsync(log: log);
        using var local = new TempFolder("lftp-hash");
        var source = local.Combine("up load.bin");
        var bytes = FileTree.WriteRandomFile(source, 3_000_000);
        var sha256 = FileTree.Sha256(bytes).ToLowerInvariant();

        var result = (await LftpAsync(server,
            $"put \"{source}\" -o \"up load.bin\"; quote HASH up load.bin; quote XSHA256 \"up load.bin\"; quote OPTS HASH SHA-512; quote FEAT")).AssertSuccess();

        Assert.Contains($"213 SHA-256 0-3000000 {sha256} up load.bin", result.StdOut, StringComparison.Ordinal);
        Assert.Contains($"250 {sha256.ToUpperInvariant()}", result.StdOut, StringComparison.Ordinal);
        Assert.Contains(" HASH SHA-256;SHA-1;SHA-512*;MD5;CRC32", result.StdOut, StringComparison.Ordinal);
        Assert.Equal(2, log.Messages(5550).Count);
        Assert.Empty(log.Messages(5551));
    }

    private static Task<ClientResult> LftpAsync(TestServer server, string commands) =>
        ClientProcess.RunAsync(
            "lftp",
            [
                "--norc",
                "-u", TestServer.UserName + "," + TestServer.Password,
                "-p", server.Port.ToString(CultureInfo.InvariantCulture),
                "-e", Settings + commands + "; quit",
                server.Host,
            ]);
}
