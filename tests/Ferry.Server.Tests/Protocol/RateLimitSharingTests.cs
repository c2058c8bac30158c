using Ferry.Server.Security;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;
using static Ferry.Server.Tests.Protocol.ThrottledTransfers;

namespace Ferry.Server.Tests.Protocol;

/// <summary>Limits shared between sessions: per user and for the whole server; the aggregate holds and the shares are fair.</summary>
public sealed class RateLimitSharingTests
{
    [Fact]
    public async Task Two_sessions_of_one_user_share_the_user_download_limit_fairly()
    {
        await using var server = await TestServer.StartAsync(o => o.UserDownloadRateLimit = MiB);
        DataHelpers.WriteFile(server, "one.bin", DataHelpers.Pattern((int)MiB));
        await using var first = await ConnectAsync(server);
        await using var second = await ConnectAsync(server);

        var results = await Task.WhenAll(DownloadAsync(first, "one.bin"), DownloadAsync(second, "one.bin"));

        // 2 MiB through one 1 MiB/s bucket: both end near 2 s. An unfair bucket would let one
        // end at 1 s; fair shares (oldest request first) end one chunk (0.1 s) apart at most.
        AssertTakes(results.Max(r => r.Elapsed), 2 * MiB, MiB, "both sessions together");
        AssertTakes(results.Min(r => r.Elapsed), 2 * MiB, MiB, "the first session to finish");
    }

    [Fact]
    public async Task Two_users_share_the_server_limit_and_uploads_have_their_own()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.ServerDownloadRateLimit = MiB;
            o.ServerUploadRateLimit = 2 * MiB;
        });
        var bobHome = await server.AddUserAsync("bob", "bob password", UserPermissions.All);
        DataHelpers.WriteFile(server, "one.bin", DataHelpers.Pattern((int)MiB));
        await File.WriteAllBytesAsync(Path.Combine(bobHome, "one.bin"), DataHelpers.Pattern((int)MiB));
        await using var alice = await ConnectAsync(server);
        await using var bob = await ConnectAsync(server, "bob", "bob password");
        await using var uploader = await ConnectAsync(server);

        // 2 MiB down through the 1 MiB/s server bucket, and at the same time 4 MiB up through
        // the 2 MiB/s one: all three take 2 s, so the directions do not share a bucket. (The
        // server's buckets, unlike a transfer's, were idle since the start, so they begin with
        // one burst of credit: 2 s less 0.1 s at most, inside the ±10%.)
        var upload = UploadAsync(uploader, "up.bin", DataHelpers.Pattern((int)(4 * MiB)));
        var results = await Task.WhenAll(DownloadAsync(alice, "one.bin"), DownloadAsync(bob, "one.bin"));

        AssertTakes(results.Max(r => r.Elapsed), 2 * MiB, MiB, "alice and bob together");
        AssertTakes(results.Min(r => r.Elapsed), 2 * MiB, MiB, "the first of them to finish");
        AssertTakes(await upload, 4 * MiB, 2 * MiB, "the upload beside them");
    }
}
