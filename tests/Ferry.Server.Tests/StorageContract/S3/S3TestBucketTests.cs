using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>
/// The S3 tests' own footing (Support/S3Engine, S3TestBucket) on both engines, with no Ferry in
/// between: when these fail, the S3 backend's failures say nothing about the backend.
/// </summary>
public sealed class S3TestBucketTests
{
    public static S3Engine Engine(string name) => name == "swift" ? S3Engine.Swift : S3Engine.Ceph;

    [Theory]
    [InlineData("ceph")]
    [InlineData("swift")]
    public async Task A_bucket_seeds_lists_and_is_removed_with_its_objects_and_unfinished_uploads(string engine)
    {
        S3TestBucket bucket;
        await using (bucket = await Engine(engine).CreateBucketAsync("support"))
        {
            var content = DataHelpers.Pattern(3000);
            await bucket.PutAsync("alice/dir/", []);
            await bucket.PutAsync("alice/dir/file.bin", content);
            Assert.Equal(content, await bucket.GetAsync("alice/dir/file.bin"));
            Assert.Null(await bucket.GetAsync("alice/dir/missing.bin"));
            Assert.Equal(["alice/dir/", "alice/dir/file.bin"], await bucket.ListKeysAsync("alice/"));
            Assert.True(await bucket.AnyKeyUnderAsync("alice/dir/"));
            Assert.False(await bucket.AnyKeyUnderAsync("alice/other/"));

            var started = await bucket.Client.InitiateMultipartUploadAsync(bucket.Name, "alice/big.bin");
            Assert.Equal("alice/big.bin", Assert.Single(await bucket.ListUnfinishedUploadsAsync("alice/")).Key);
            Assert.Empty(await bucket.ListUnfinishedUploadsAsync("bob/"));
            Assert.False(string.IsNullOrEmpty(started.UploadId));
        }

        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => bucket.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Name }));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public void Bucket_names_are_valid_and_unique()
    {
        var names = new[] { "Storage Contract!", "", "x" }.Select(S3TestBucket.NewName).ToList();
        Assert.All(names, name => Assert.Matches("^[a-z0-9][a-z0-9-]{2,62}$", name));
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.StartsWith("ferry-storagecontract-", names[0], StringComparison.Ordinal);
    }
}
