using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>
/// The command table's RequiresCapability column: a verb the session's storage cannot carry out is
/// not offered in FEAT or HELP, and the dispatcher answers it with 502 (RFC 959 §4.2), before login
/// from the factory's capabilities and after it from the user's backend.
/// </summary>
public sealed class StorageCapabilityTests
{
    private static readonly FileSystemCapabilities WithoutTimes = LocalFileSystem.Supported & ~FileSystemCapabilities.SetModificationTime;

    [Fact]
    [VerbTest("MFMT", "FEAT", "HELP")]
    public async Task Feat_and_help_omit_mfmt_where_the_storage_cannot_set_times_and_mfmt_gets_502()
    {
        await using var server = await TestServer.StartAsync(
            fileSystemFactory: user => new CapabilityHidingFileSystem(new LocalFileSystem(user.HomeDirectory), FileSystemCapabilities.SetModificationTime),
            fileSystemCapabilities: WithoutTimes);
        await File.WriteAllTextAsync(server.PathOf("a.txt"), "a");
        await using var ftp = await server.ConnectAsync(login: false);

        Assert.DoesNotContain("MFMT", await FeaturesAsync(ftp));
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
        var features = await FeaturesAsync(ftp);
        Assert.DoesNotContain("MFMT", features);
        Assert.Contains("MDTM", features);
        Assert.Contains("REST STREAM", features);

        var refusal = await ftp.CommandAsync("MFMT 20200102030405 a.txt", 502);
        Assert.Contains("cannot set modification times", refusal.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("MFMT", await HelpVerbsAsync(ftp));
        Assert.Contains("not available", (await ftp.CommandAsync("HELP MFMT", 214)).ToString(), StringComparison.Ordinal);

        // The file was not touched, and the session goes on.
        Assert.NotEqual(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), File.GetLastWriteTimeUtc(server.PathOf("a.txt")));
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    [VerbTest("MFMT", "FEAT")]
    public async Task Feat_offers_mfmt_with_local_storage_before_and_after_login()
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(server.PathOf("a.txt"), "a");
        await using var ftp = await server.ConnectAsync(login: false);
        Assert.Contains("MFMT", await FeaturesAsync(ftp));
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
        Assert.Contains("MFMT", await FeaturesAsync(ftp));
        Assert.Contains("MFMT", await HelpVerbsAsync(ftp));
        await ftp.CommandAsync("MFMT 20200102030405 a.txt", 213);
    }

    /// <summary>A refused transfer verb closes the data connection prepared for it, as any refused transfer does.</summary>
    [Fact]
    [VerbTest("APPE", "RNFR", "RNTO", "REST", "SITE")]
    public async Task Appe_rename_rest_and_site_chmod_get_502_where_the_storage_lacks_what_they_need()
    {
        const FileSystemCapabilities hidden = FileSystemCapabilities.Append | FileSystemCapabilities.Rename | FileSystemCapabilities.ReadFromOffset
            | FileSystemCapabilities.SetUnixMode;
        await using var server = await TestServer.StartAsync(
            fileSystemFactory: user => new CapabilityHidingFileSystem(new LocalFileSystem(user.HomeDirectory), hidden),
            fileSystemCapabilities: LocalFileSystem.Supported & ~hidden);
        await File.WriteAllTextAsync(server.PathOf("a.txt"), "a");
        await using var ftp = await server.ConnectAsync();
        Assert.DoesNotContain("REST STREAM", await FeaturesAsync(ftp));

        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("APPE a.txt", 502);
        var buffer = new byte[16];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await data.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, timeout.Token));

        await ftp.CommandAsync("RNFR a.txt", 502);
        await ftp.CommandAsync("RNTO b.txt", 502);
        await ftp.CommandAsync("REST 1", 502);
        Assert.DoesNotContain("CHMOD", (await ftp.CommandAsync("SITE HELP", 214)).ToString(), StringComparison.Ordinal);
        await ftp.CommandAsync("SITE CHMOD 600 a.txt", 502);
        Assert.Equal("a", await File.ReadAllTextAsync(server.PathOf("a.txt")));
    }

    private static async Task<List<string>> FeaturesAsync(WireClient ftp)
    {
        var reply = await ftp.CommandAsync("FEAT", 211);
        return [.. reply.Lines.Skip(1).SkipLast(1).Select(line => line.Trim())];
    }

    private static async Task<HashSet<string>> HelpVerbsAsync(WireClient ftp)
    {
        var reply = await ftp.CommandAsync("HELP", 214);
        return reply.Lines.Skip(1).SkipLast(1).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Local disk that claims not to have some capabilities, as an object store would not.</summary>
    private sealed class CapabilityHidingFileSystem(IFileSystem inner, FileSystemCapabilities hidden) : ForwardingFileSystem(inner)
    {
        public override FileSystemCapabilities Capabilities => Inner.Capabilities & ~hidden;
    }
}
