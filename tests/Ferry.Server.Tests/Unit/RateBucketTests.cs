using Ferry.Server.Connections;
using Ferry.Server.DataChannels;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Server.Tests.Unit;

/// <summary>The rate-limit arithmetic on a fake clock: exact schedules, no sleeping.</summary>
public sealed class RateBucketTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void A_new_bucket_gives_no_head_start_and_paced_chunks_take_exactly_size_over_rate()
    {
        var time = new FakeTimeProvider();
        var bucket = new RateBucket(MiB, time);
        var started = time.GetTimestamp();

        // 2 MiB in throttle-sized chunks, each sent as soon as its wait is over.
        for (var sent = 0L; sent < 2 * MiB; sent += bucket.ChunkBytes)
        {
            time.Advance(bucket.Reserve(Math.Min(bucket.ChunkBytes, 2 * MiB - sent)));
        }

        Assert.Equal(2.0, time.GetElapsedTime(started).TotalSeconds, 3);
    }

    [Fact]
    public void A_late_timer_does_not_slow_the_rate_the_next_wait_is_shorter()
    {
        var time = new FakeTimeProvider();
        var bucket = new RateBucket(MiB, time);
        var chunk = bucket.ChunkBytes;
        var first = bucket.Reserve(chunk);
        time.Advance(first + TimeSpan.FromMilliseconds(30));
        var second = bucket.Reserve(chunk);
        Assert.Equal((first - TimeSpan.FromMilliseconds(30)).TotalMilliseconds, second.TotalMilliseconds, 1);
    }

    [Fact]
    public void A_transfer_bucket_makes_up_a_lag_of_up_to_a_second_and_no_more()
    {
        var time = new FakeTimeProvider();
        var bucket = new RateBucket(MiB, time, RateBucket.TransferCatchUp);
        var started = time.GetTimestamp();
        time.Advance(bucket.Reserve(MiB / 2));

        // A 600 ms hiccup (a busy machine): the next 600 ms worth goes at once, then pacing resumes.
        time.Advance(TimeSpan.FromMilliseconds(600));
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(TimeSpan.Zero, bucket.Reserve(MiB / 10));
        }

        Assert.True(bucket.Reserve(MiB / 10) > TimeSpan.Zero);

        // A 3 s pause earns only the one second.
        time.Advance(TimeSpan.FromSeconds(3));
        var free = 0;
        while (bucket.Reserve(MiB / 10) == TimeSpan.Zero && free < 100)
        {
            free++;
        }

        Assert.Equal(10, free);
        Assert.True(time.GetElapsedTime(started) > TimeSpan.FromSeconds(4));
    }

    [Fact]
    public void Idle_time_earns_at_most_one_burst_of_credit()
    {
        var time = new FakeTimeProvider();
        var bucket = new RateBucket(MiB, time);
        time.Advance(TimeSpan.FromSeconds(60));

        // 100 ms worth goes at once; the next byte already waits.
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(MiB / 10));
        Assert.True(bucket.Reserve(MiB / 10) > TimeSpan.FromMilliseconds(99));
    }

    [Fact]
    public void Sessions_sharing_a_bucket_are_served_in_the_order_they_asked()
    {
        var time = new FakeTimeProvider();
        var shared = new RateBucket(MiB, time);
        var a = shared.Reserve(shared.ChunkBytes);
        var b = shared.Reserve(shared.ChunkBytes);
        var c = shared.Reserve(shared.ChunkBytes);
        Assert.True(a < b && b < c);
        Assert.Equal((b - a).TotalMilliseconds, (c - b).TotalMilliseconds, 1);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_at_once_and_gives_its_bytes_back()
    {
        var time = new FakeTimeProvider();
        var bucket = new RateBucket(1024, time);
        using var throttle = new TransferThrottle(bucket, null, null, time, release: null);
        using var abort = new CancellationTokenSource();

        // 1 KiB at 1 KiB/s: a one-second wait, cancelled (ABOR) without the clock moving.
        var waiting = throttle.WaitAsync(throttle.ChunkSize, abort.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.True(throttle.IsWaiting);
        await abort.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(throttle.IsWaiting);

        // The refund: the next second's reservation is as if the cancelled one never happened.
        Assert.Equal(1.0, bucket.Reserve(1024).TotalSeconds, 3);
    }

    [Fact]
    public async Task A_throttle_waits_for_the_narrowest_limit_and_counts_its_waits()
    {
        var time = new FakeTimeProvider();
        var session = new RateBucket(10 * 1024, time);
        var server = new RateBucket(MiB, time);
        using var throttle = new TransferThrottle(session, null, server, time, release: null);
        Assert.Equal(1024, throttle.ChunkSize);
        var waiting = throttle.WaitAsync(1024, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await waiting;
        Assert.Equal(2, throttle.WaitEvents);
    }

    [Fact]
    public void An_accounts_own_limit_from_the_user_store_wins_over_UserRateLimits_and_the_server_default()
    {
        var options = new FtpServerOptions { DownloadRateLimit = 4 * MiB, UserRateLimits = { ["alice"] = new UserRateLimit { Download = 2 * MiB } } };
        var registry = new RateLimitRegistry(options, new FakeTimeProvider());
        Assert.Equal(2 * MiB, registry.ForTransfer("alice", TransferDirection.Download, options)!.SessionRate);
        Assert.Equal(MiB, registry.ForTransfer("alice", TransferDirection.Download, options, ownRate: MiB)!.SessionRate);
        Assert.Equal(MiB, registry.ForTransfer("bob", TransferDirection.Download, options, ownRate: MiB)!.SessionRate);

        // 0 is "no limit" for this account, whatever the configuration says.
        Assert.Null(registry.ForTransfer("alice", TransferDirection.Download, options, ownRate: 0));
    }

    [Fact]
    public async Task Unlimited_transfers_get_no_throttle_and_user_buckets_are_shared_then_dropped()
    {
        var time = new FakeTimeProvider();
        var none = new FtpServerOptions();
        var unlimited = new RateLimitRegistry(none, time);
        Assert.Null(unlimited.ForTransfer("alice", TransferDirection.Download, none));
        Assert.Null(unlimited.ForTransfer("alice", TransferDirection.Upload, none));

        var perUser = new FtpServerOptions { UserDownloadRateLimit = MiB };
        var registry = new RateLimitRegistry(perUser, time);
        var one = registry.ForTransfer("alice", TransferDirection.Download, perUser)!;
        var two = registry.ForTransfer("alice", TransferDirection.Download, perUser)!;
        var other = registry.ForTransfer("bob", TransferDirection.Download, perUser)!;
        Assert.Null(registry.ForTransfer("alice", TransferDirection.Upload, perUser));
        Assert.Equal(2, registry.UserBucketCount);
        Assert.Equal(MiB, one.UserRate);

        // alice's two transfers share one bucket: the second chunk is due 100 ms after the first;
        // bob's has a bucket of its own.
        var first = one.WaitAsync(one.ChunkSize, CancellationToken.None).AsTask();
        var second = two.WaitAsync(two.ChunkSize, CancellationToken.None).AsTask();
        var bobs = other.WaitAsync(other.ChunkSize, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(100));
        await Task.WhenAll(first, bobs);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await second;

        one.Dispose();
        one.Dispose();
        Assert.Equal(2, registry.UserBucketCount);
        two.Dispose();
        other.Dispose();
        Assert.Equal(0, registry.UserBucketCount);
    }

    [Fact]
    public void A_user_override_replaces_only_the_per_session_limits_it_names()
    {
        var options = new FtpServerOptions
        {
            DownloadRateLimit = MiB,
            UploadRateLimit = MiB,
            ServerDownloadRateLimit = 8 * MiB,
            UserRateLimits = { ["bob"] = new UserRateLimit { Download = 4 * MiB }, ["carol"] = new UserRateLimit { Download = 0 } },
        };
        var registry = new RateLimitRegistry(options, new FakeTimeProvider());
        using var alice = registry.ForTransfer("alice", TransferDirection.Download, options)!;
        using var bobDown = registry.ForTransfer("bob", TransferDirection.Download, options)!;
        using var bobUp = registry.ForTransfer("bob", TransferDirection.Upload, options)!;
        using var carol = registry.ForTransfer("carol", TransferDirection.Download, options)!;
        Assert.Equal((MiB, 8 * MiB), (alice.SessionRate, alice.ServerRate));
        Assert.Equal(4 * MiB, bobDown.SessionRate);
        Assert.Equal(MiB, bobUp.SessionRate);
        Assert.Equal((0, 8 * MiB), (carol.SessionRate, carol.ServerRate));
    }

    [Theory]
    [InlineData(-1, "must be 0 (no limit) or more")]
    [InlineData(100, "below the minimum of 1024")]
    public void Bad_rate_limits_are_refused_naming_the_key(long value, string message)
    {
        var options = new FtpServerOptions
        {
            ServerUploadRateLimit = value,
            UserRateLimits = { ["bob"] = new UserRateLimit { Upload = value } },
        };
        var errors = options.Validate();
        Assert.Contains(errors, e => e.StartsWith("ServerUploadRateLimit:", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("UserRateLimits:bob:Upload:", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));
        Assert.Empty(new FtpServerOptions { DownloadRateLimit = 1024, UserUploadRateLimit = 0 }.Validate());
    }
}
