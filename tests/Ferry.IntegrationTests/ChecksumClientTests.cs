using System.Security.Cryptography;
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
    [Fact]
    public async Task Lftp_upload_then_hash_and_xsha256_match_the_bytes_sent()
    {
        var log = new RecordingLog();
        await using var server = await TestServer.StartAsync(log: log);
        using var local = new TempFolder("lftp-hash");
        var source = local.Combine("up load.bin");
        var bytes = FileTree.WriteRandomFile(source, 3_000_000);
        var sha256 = FileTree.Sha256(bytes).ToLowerInvariant();

        var result = (await Lftp.RunAsync(server,
            $"put \"{source}\" -o \"up load.bin\"; quote HASH up load.bin; quote XSHA256 \"up load.bin\"; quote OPTS HASH SHA-512; quote HASH up load.bin")).AssertSuccess();

        Assert.Contains($"213 SHA-256 0-3000000 {sha256} up load.bin", result.StdOut, StringComparison.Ordinal);
        Assert.Contains($"250 {sha256.ToUpperInvariant()}", result.StdOut, StringComparison.Ordinal);
        Assert.Contains($"213 SHA-512 0-3000000 {Convert.ToHexStringLower(SHA512.HashData(bytes))} up load.bin", result.StdOut, StringComparison.Ordinal);

        // SHA-256 came from the upload's kept value twice; only SHA-512 was computed.
        // (lftp sends MFMT after its STOR; the kept value survives it.) On failure: the server's checksum log and lftp's dialogue.
        Assert.True(log.Messages(5550).Count == 2, string.Join('\n', log.Entries.Where(e => e.EventId is >= 5550 and < 5600 or 3000).Select(e => e.Message)) + '\n' + result.StdErr);
        Assert.Single(log.Messages(5551));
    }
}
