using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;
using Ferry.Server.Tests.Support.Memory;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.StorageContract;

/// <summary>The storage contract on the in-memory backend (Support/Memory), the contract's second implementation.</summary>
public sealed class MemoryStorageContractTests : StorageContractTests
{
    /// <summary>A Replace upload writes a private buffer published only at commit: an abort leaves the old file.</summary>
    protected override Task<StorageUnderTest> StartAsync() => MemoryStorageUnderTest.StartAsync();

    /// <summary>RFC 3659 §3: MDTM of an upload is the time of its commit, read from the volume's clock (a fake one here).</summary>
    [Fact]
    [VerbTest("MDTM", "STOR", "APPE")]
    public async Task Modification_times_come_from_the_volume_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2019, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var factory = new InMemoryFileSystemFactory(new InMemoryVolume(clock));
        await using var server = await TestServer.StartAsync(fileSystemFactory: factory.Create, fileSystemCapabilities: factory.Capabilities);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR timed.bin", [1]);
        Assert.Equal("213 20190304050607", (await ftp.CommandAsync("MDTM timed.bin", 213)).Lines[0]);
        clock.Advance(TimeSpan.FromHours(1));
        await DataHelpers.UploadAsync(ftp, "APPE timed.bin", [2]);
        Assert.Equal("213 20190304060607", (await ftp.CommandAsync("MDTM timed.bin", 213)).Lines[0]);
    }
}
