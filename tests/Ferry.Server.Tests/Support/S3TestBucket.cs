using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Storage.S3;

namespace Ferry.Server.Tests.Support;

/// <summary>
/// A bucket of one test (or test class) on an <see cref="S3Engine"/>: options for the backend
/// pointing at it, and the SDK for seeding and inspecting it behind the backend's back. Disposal
/// aborts every unfinished multipart upload, deletes every object one by one (Swift's s3api
/// refuses AWSSDK v4's DeleteObjects without Content-MD5) and then the bucket.
/// </summary>
public sealed class S3TestBucket : IAsyncDisposable
{
    /// <summary>At most this many requests at once when seeding or emptying (2 cores share the engine and the tests).</summary>
    public const int Parallelism = 8;

    internal S3TestBucket(S3Engine engine, AmazonS3Client client, S3EngineEndpoint endpoint, string name)
    {
        Engine = engine;
        Client = client;
        Endpoint = endpoint;
        Name = name;
    }

    public S3Engine Engine { get; }

    /// <summary>The engine's shared client: never dispose it.</summary>
    public AmazonS3Client Client { get; }

    public S3EngineEndpoint Endpoint { get; }

    public string Name { get; }

    /// <summary>A bucket name S3 accepts (3-63 characters, lowercase letters, digits and '-'; at most 59 here), unique to the run.</summary>
    internal static string NewName(string purpose)
    {
        var letters = new string(purpose.ToLowerInvariant().Where(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')).Take(20).ToArray());
        return $"ferry-{(letters.Length > 0 ? letters : "t")}-{Guid.NewGuid():N}";
    }

    /// <summary>
    /// A profile for the backend on this bucket (PathStyle, the engine's keys and region), each user
    /// under "{user}/" unless <paramref name="configure"/> says otherwise; with <paramref name="tls"/>,
    /// through the engine's TLS endpoint with its CA file (Ceph only).
    /// </summary>
    public S3StorageOptions Options(Action<S3StorageOptions>? configure = null, bool tls = false)
    {
        var options = new S3StorageOptions
        {
            Endpoint = tls ? Endpoint.TlsEndpoint ?? throw new InvalidOperationException($"{Engine.Name} has no TLS endpoint (no S3_TLS_ENDPOINT in its s3.env)") : Endpoint.Endpoint,
            CaFile = tls ? Endpoint.CaFile : null,
            Region = Endpoint.Region,
            AccessKey = Endpoint.AccessKey,
            SecretKey = Endpoint.SecretKey,
            PathStyle = true,
            Bucket = Name,
            Prefix = "{user}/",
        };
        configure?.Invoke(options);
        return options;
    }

    public async Task PutAsync(string key, byte[] content, CancellationToken cancellationToken = default)
    {
        using var body = new MemoryStream(content, writable: false);

        // Swift's s3api refuses aws-chunked bodies (501), the SDK's default.
        await Client.PutObjectAsync(new PutObjectRequest { BucketName = Name, Key = key, InputStream = body, UseChunkEncoding = false }, cancellationToken);
    }

    /// <summary>An object's bytes, or null when there is no object with that key.</summary>
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await Client.GetObjectAsync(Name, key, cancellationToken);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy, cancellationToken);
            return copy.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Every key under <paramref name="prefix"/>, all pages, in the store's order (UTF-8 binary).</summary>
    public async Task<List<string>> ListKeysAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Name, Prefix = prefix };
        for (var page = 0; page < 10_000; page++)
        {
            var response = await Client.ListObjectsV2Async(request, cancellationToken);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextContinuationToken))
            {
                return keys;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }

        throw new InvalidOperationException($"{Name}: more than 10,000 pages under '{prefix}'");
    }

    /// <summary>True when any object's key starts with <paramref name="prefix"/>.</summary>
    public async Task<bool> AnyKeyUnderAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var response = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Name, Prefix = prefix, MaxKeys = 1 }, cancellationToken);
        return response.S3Objects is { Count: > 0 };
    }

    /// <summary>The multipart uploads started and neither completed nor aborted under <paramref name="prefix"/> (ListMultipartUploads, all pages).</summary>
    public async Task<List<MultipartUpload>> ListUnfinishedUploadsAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        var uploads = new List<MultipartUpload>();
        var request = new ListMultipartUploadsRequest { BucketName = Name, Prefix = prefix };
        for (var page = 0; page < 1_000; page++)
        {
            var response = await Client.ListMultipartUploadsAsync(request, cancellationToken);
            uploads.AddRange(response.MultipartUploads ?? []);
            if (response.IsTruncated != true)
            {
                return uploads;
            }

            request.KeyMarker = response.NextKeyMarker;
            request.UploadIdMarker = response.NextUploadIdMarker;
        }

        throw new InvalidOperationException($"{Name}: more than 1,000 pages of multipart uploads");
    }

    /// <summary>Runs <paramref name="action"/> for each item, at most <see cref="Parallelism"/> at once.</summary>
    public static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, ValueTask> action, CancellationToken cancellationToken = default) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, action);

    /// <summary>
    /// Best effort and bounded: a test's own assertions say what the backend left behind; a
    /// bucket that cannot be emptied here dies with the engine's temp folder at the end of the run.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            foreach (var upload in await ListUnfinishedUploadsAsync(cancellationToken: deadline.Token))
            {
                await Client.AbortMultipartUploadAsync(Name, upload.Key, upload.UploadId, deadline.Token);
            }

            // Twice: an upload committed by a server still finishing its transfer may land after the first listing.
            for (var round = 0; round < 2; round++)
            {
                var keys = await ListKeysAsync(cancellationToken: deadline.Token);
                await ForEachAsync(keys, async (key, ct) => await Client.DeleteObjectAsync(Name, key, ct), deadline.Token);
            }

            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await Client.DeleteBucketAsync(Name, deadline.Token);
                    break;
                }
                catch (AmazonS3Exception e) when (e.ErrorCode == "BucketNotEmpty" && attempt < 5)
                {
                    // A container listing that has not caught up with the deletes yet (Swift updates it asynchronously).
                    await Task.Delay(200, deadline.Token);
                    await ForEachAsync(await ListKeysAsync(cancellationToken: deadline.Token), async (key, ct) => await Client.DeleteObjectAsync(Name, key, ct), deadline.Token);
                }
            }
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"{Engine.Name}: bucket {Name} not fully removed: {e.Message}");
        }
    }
}
