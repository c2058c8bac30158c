using Ferry.Server.Storage;
using Ferry.Server.Tests.Support;
using Ferry.Server.Tests.Support.Memory;

namespace Ferry.Server.Tests.StorageContract;

/// <summary>
/// A backend that declares fewer capabilities (here the in-memory one built without
/// SetModificationTime and SetUnixMode, as an object store that cannot set times would be): the
/// server neither advertises nor attempts what the backend cannot do.
/// </summary>
public sealed class CapabilityTests
{
    /// <summary>
    /// RFC 2389 §3: FEAT lists what the server supports; MFMT (draft-somers-ftp-mfxx) is not that
    /// here. Fails on a FEAT built from the command table alone (MFMT always listed).
    /// </summary>
    [Fact]
    [VerbTest("FEAT", "MFMT")]
    public async Task Feat_on_a_backend_without_set_modification_time_omits_mfmt()
    {
        await using var server = await StartWithoutMetadataChangesAsync();
        await using var ftp = await server.ConnectAsync();
        Assert.DoesNotContain(await FeaturesAsync(ftp), feature => feature.StartsWith("MFMT", StringComparison.Ordinal));
    }

    /// <summary>The control for the test above: the same backend with the capability lists MFMT.</summary>
    [Fact]
    [VerbTest("FEAT", "MFMT")]
    public async Task Feat_on_a_backend_with_set_modification_time_lists_mfmt()
    {
        var factory = new InMemoryFileSystemFactory(new InMemoryVolume());
        await using var server = await TestServer.StartAsync(fileSystemFactory: factory.Create, fileSystemCapabilities: factory.Capabilities);
        await using var ftp = await server.ConnectAsync();
        Assert.Contains("MFMT", await FeaturesAsync(ftp));
    }

    /// <summary>RFC 959 §4.2: 502, command not implemented, for what this storage cannot do; the file is left as it was.</summary>
    [Fact]
    [VerbTest("MFMT", "SITE")]
    public async Task Mfmt_and_site_chmod_on_a_backend_without_them_get_502()
    {
        var volume = new InMemoryVolume();
        volume.WriteFile("file.txt", [1, 2, 3]);
        var factory = new InMemoryFileSystemFactory(volume, optional: FileSystemCapabilities.None);
        await using var server = await TestServer.StartAsync(fileSystemFactory: factory.Create, fileSystemCapabilities: factory.Capabilities);
        await using var ftp = await server.ConnectAsync();
        var before = (await ftp.CommandAsync("MDTM file.txt", 213)).Text;
        await ftp.CommandAsync("MFMT 20000101000000 file.txt", 502);
        await ftp.CommandAsync("SITE CHMOD 600 file.txt", 502);
        Assert.Equal(before, (await ftp.CommandAsync("MDTM file.txt", 213)).Text);
        await ftp.CommandAsync("NOOP", 200);
    }

    private static async Task<TestServer> StartWithoutMetadataChangesAsync()
    {
        var factory = new InMemoryFileSystemFactory(new InMemoryVolume(), optional: FileSystemCapabilities.None);
        return await TestServer.StartAsync(fileSystemFactory: factory.Create, fileSystemCapabilities: factory.Capabilities);
    }

    private static async Task<List<string>> FeaturesAsync(WireClient ftp)
    {
        var reply = await ftp.CommandAsync("FEAT", 211);
        return reply.Lines.Skip(1).SkipLast(1).Select(line => line.Trim()).ToList();
    }
}
