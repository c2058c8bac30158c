using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>
/// Issue 16: throttling (503 SlowDown) is retried with backoff, not passed to the client. Swift's
/// second proxy (scripts/engines/swift-s3.sh) is the same store behind Swift's own rate limit, 10
/// writes a second per bucket, refusing the excess at once with 498, which s3api answers as
/// 503 SlowDown, as AWS does under load. Uploads faster than that must all succeed, and the
/// store's log must show that it did refuse some of them, so the retries really happened.
/// </summary>
public sealed class S3ThrottledStoreTests
{
    [Fact]
    public async Task Uploads_faster_than_the_store_allows_are_retried_until_they_succeed()
    {
        var endpoint = await S3Engine.Swift.GetEndpointAsync();
        Assert.NotNull(endpoint.ThrottledEndpoint);
        Assert.NotNull(endpoint.ThrottledLog);
        await using var storage = await S3StorageUnderTest.StartAsync(S3Engine.Swift, options => options.Endpoint = endpoint.ThrottledEndpoint);

        // Swift limits only a bucket that holds an object, and reads the count afresh each second.
        storage.WriteFile("seed.txt", "seed");
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        await using var ftp = await storage.Server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var contents = Enumerable.Range(0, 12).Select(i => S3BackendTests.RandomBytes(1000 + i, seed: i)).ToList();
        for (var i = 0; i < contents.Count; i++)
        {
            // Each one a 150, then a 226: never a 451 passed on from the store.
            await DataHelpers.UploadAsync(ftp, $"STOR burst-{i}.bin", contents[i]);
        }

        for (var i = 0; i < contents.Count; i++)
        {
            Assert.Equal(contents[i], storage.ReadFile($"burst-{i}.bin"));
        }

        var refused = File.ReadLines(endpoint.ThrottledLog)
            .Count(line => line.Contains(" 498 ", StringComparison.Ordinal) && line.Contains(storage.Bucket.Name, StringComparison.Ordinal) && line.Contains(" PUT ", StringComparison.Ordinal));
        Assert.True(refused > 0, "the store never refused a write: the rate limit did not engage, so nothing was retried");
    }
}
