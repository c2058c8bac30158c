using System.Diagnostics;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>
/// Issue 16: TLS to the store with an optional CA file (S3StorageOptions.CaFile). Ceph's gateway
/// also answers on TLS with a certificate from a throw-away authority (scripts/engines/ceph-rgw.sh),
/// which no system trust store knows: with the CA file the backend works, without it the store is
/// refused, never trusted blindly.
/// </summary>
public sealed class S3TlsStoreTests
{
    [Fact]
    public async Task Over_tls_with_the_ca_file_a_stor_and_retr_round_trip()
    {
        await using var storage = await S3StorageUnderTest.StartAsync(S3Engine.Ceph, tls: true);
        Assert.StartsWith("https://", storage.Options.Endpoint, StringComparison.Ordinal);
        var content = S3BackendTests.RandomBytes(200_000, seed: 7);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR secure.bin", content);
        Assert.Equal(content, storage.ReadFile("secure.bin"));
        Assert.Equal(content, await DataHelpers.DownloadAsync(ftp, "RETR secure.bin"));
    }

    [Fact]
    public async Task Over_tls_without_the_ca_file_the_store_is_refused_promptly()
    {
        await using var storage = await S3StorageUnderTest.StartAsync(S3Engine.Ceph, options => options.CaFile = null, tls: true);
        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var clock = Stopwatch.StartNew();
        var stor = await DataHelpers.TryUploadAsync(ftp, "STOR untrusted.bin", "x");
        Assert.True(stor.Code is 451 or 550, $"expected 451 or 550, got: {stor}");
        await ftp.SendAsync("SIZE untrusted.bin");
        var size = await ftp.ReadReplyAsync();
        Assert.True(size.Code is 451 or 550, $"expected 451 or 550, got: {size}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the refusals took {clock.Elapsed}");
        Assert.Empty(await storage.Bucket.ListKeysAsync());
        await ftp.CommandAsync("NOOP", 200);
    }
}
