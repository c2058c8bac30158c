using Ferry.Server.Security;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;
using static Ferry.Server.Tests.Protocol.ThrottledTransfers;

namespace Ferry.Server.Tests.Protocol;

/// <summary>
/// Per-session rate limits over real sockets, timed with the real clock (each about 2 s; the
/// sharing and ABOR tests are in their own classes so they run beside these).
/// </summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_session_download_limit_holds_for_sendfile_and_for_the_buffered_copy()
    {
        // Two sessions at once, each with its own 1 MiB/s: one binary (sendfile), one TYPE A
        // (the user-space copy; the file has no LF, so the wire bytes are the file's).
        await using var server = await TestServer.StartAsync(o => o.DownloadRateLimit = MiB);
        var content = DataHelpers.Pattern((int)(2 * MiB)).Select(b => b == '\n' ? (byte)'x' : b).ToArray();
        DataHelpers.WriteFile(server, "two.bin", content);
        await using var binary = await ConnectAsync(server);
        await using var ascii = await ConnectAsync(server);

        var results = await Task.WhenAll(DownloadAsync(binary, "two.bin"), DownloadAsync(ascii, "two.bin", type: 'A'));

        foreach (var ((bytes, elapsed), what) in results.Zip(new[] { "sendfile", "TYPE A copy" }))
        {
            Assert.Equal(content, bytes);
            AssertTakes(elapsed, 2 * MiB, MiB, what);
        }

        await binary.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_session_upload_limit_slows_the_sender_and_keeps_every_byte()
    {
        await using var server = await TestServer.StartAsync(o => o.UploadRateLimit = MiB);
        await using var ftp = await ConnectAsync(server);
        var content = DataHelpers.Pattern((int)(2 * MiB));

        var elapsed = await UploadAsync(ftp, "up.bin", content);

        AssertTakes(elapsed, 2 * MiB, MiB, "STOR");
        Assert.Equal(content, await File.ReadAllBytesAsync(server.PathOf("up.bin")));
    }

    [Fact]
    public async Task A_per_user_override_replaces_the_session_limit_for_that_user_only()
    {
        // alice keeps the server-wide 512 KiB/s; bob, a bigger customer, gets 2 MiB/s. Both 2 s.
        await using var server = await TestServer.StartAsync(o =>
        {
            o.DownloadRateLimit = 512 * KiB;
            o.UserRateLimits["bob"] = new UserRateLimit { Download = 2 * MiB };
        });
        var bobHome = await server.AddUserAsync("bob", "bob password", UserPermissions.All);
        DataHelpers.WriteFile(server, "one.bin", DataHelpers.Pattern((int)MiB));
        await File.WriteAllBytesAsync(Path.Combine(bobHome, "four.bin"), DataHelpers.Pattern((int)(4 * MiB)));
        await using var alice = await ConnectAsync(server);
        await using var bob = await ConnectAsync(server, "bob", "bob password");

        var results = await Task.WhenAll(DownloadAsync(alice, "one.bin"), DownloadAsync(bob, "four.bin"));

        AssertTakes(results[0].Elapsed, MiB, 512 * KiB, "alice at the default");
        AssertTakes(results[1].Elapsed, 4 * MiB, 2 * MiB, "bob at his own limit");
    }

    [Fact]
    public async Task Without_limits_transfers_run_at_full_speed()
    {
        await using var server = await TestServer.StartAsync();
        var content = DataHelpers.Pattern((int)(32 * MiB));
        DataHelpers.WriteFile(server, "big.bin", content);
        await using var ftp = await ConnectAsync(server);

        var (bytes, elapsed) = await DownloadAsync(ftp, "big.bin");
        var upload = await UploadAsync(ftp, "back.bin", content);

        // A loose floor only (loopback moves hundreds of MiB/s): 32 MiB each way well under 8 s,
        // where even the lowest limit that would apply (none) could not be mistaken for it.
        Assert.Equal(content, bytes);
        Assert.True(elapsed < TimeSpan.FromSeconds(8), $"unlimited RETR of 32 MiB took {elapsed}");
        Assert.True(upload < TimeSpan.FromSeconds(8), $"unlimited STOR of 32 MiB took {upload}");
        Assert.Equal(content, await File.ReadAllBytesAsync(server.PathOf("back.bin")));
    }
}
