using System.Diagnostics;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

// ferry-bench-s3 put|get|seed|delete|create-bucket|delete-bucket --endpoint URL --access-key K --secret-key S
//   --bucket B [--region R] [--key K --file F --part-size BYTES --concurrency N] [--limit-seconds S]
// put: a multipart upload of FILE in parts of --part-size, --concurrency parts in flight (what a
// competent client does: aws s3 cp and TransferUtility do the same, 8 MiB parts by default);
// get: one streamed GET of the object, the bytes discarded; seed: --count one-byte objects
// PREFIXfile-NNNNNNN.txt, --concurrency PUTs at once (for listings; "bytes" is the count). One JSON object on stdout:
// {"bytes":..., "seconds":..., "mib_per_s":...}. Loopback only; every call bounded by --limit-seconds.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: ferry-bench-s3 put|get|seed|delete|create-bucket|delete-bucket --endpoint URL --access-key K --secret-key S --bucket B [...]");
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var index = 1; index + 1 < args.Length; index += 2)
{
    options[args[index].TrimStart('-')] = args[index + 1];
}

string Option(string name, string? fallback = null) =>
    options.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");

var endpoint = new Uri(Option("endpoint"));
if (!endpoint.IsLoopback)
{
    Console.Error.WriteLine("ferry-bench-s3: only a store on loopback is benchmarked");
    return 2;
}

// As scripts/engines/README.md says Ceph RGW needs, and as Ferry's own client is set (S3ClientFactory).
using var client = new AmazonS3Client(new BasicAWSCredentials(Option("access-key"), Option("secret-key")), new AmazonS3Config
{
    ServiceURL = endpoint.ToString(),
    ForcePathStyle = true,
    AuthenticationRegion = Option("region", "us-east-1"),
    RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
    ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    Timeout = TimeSpan.FromMinutes(5),
});
var bucket = Option("bucket");
using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(double.Parse(Option("limit-seconds", "600"), System.Globalization.CultureInfo.InvariantCulture)));
try
{
    switch (args[0])
    {
        case "create-bucket":
            await client.PutBucketAsync(bucket, limit.Token);
            return 0;
        case "delete-bucket":
            await DeleteBucketAsync(client, bucket, limit.Token);
            return 0;
        case "put":
            Report(await PutAsync(client, bucket, Option("key"), Option("file"), long.Parse(Option("part-size", "8388608"), System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(Option("concurrency", "4"), System.Globalization.CultureInfo.InvariantCulture), limit.Token));
            return 0;
        case "delete":
            await client.DeleteObjectAsync(bucket, Option("key"), limit.Token);
            return 0;
        case "get":
            Report(await GetAsync(client, bucket, Option("key"), limit.Token));
            return 0;
        case "seed":
            Report(await SeedAsync(client, bucket, Option("prefix"), int.Parse(Option("count"), System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(Option("concurrency", "16"), System.Globalization.CultureInfo.InvariantCulture), limit.Token));
            return 0;
        default:
            throw new ArgumentException($"unknown command {args[0]}");
    }
}
catch (Exception error) when (error is AmazonServiceException or AmazonClientException or ArgumentException or IOException or OperationCanceledException or HttpRequestException)
{
    Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?> { ["error"] = error.Message }));
    Console.Error.WriteLine($"ferry-bench-s3 {args[0]}: {error.Message}");
    return 1;
}

static void Report((long Bytes, double Seconds) result) =>
    Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["bytes"] = result.Bytes,
        ["seconds"] = Math.Round(result.Seconds, 3),
        ["mib_per_s"] = Math.Round(result.Bytes / 1048576.0 / result.Seconds, 1),
    }));

static async Task<(long Bytes, double Seconds)> SeedAsync(AmazonS3Client client, string bucket, string prefix, int count, int concurrency, CancellationToken cancellationToken)
{
    var clock = Stopwatch.StartNew();
    var next = -1;
    async Task WorkerAsync()
    {
        int index;
        while ((index = Interlocked.Increment(ref next)) < count)
        {
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = $"{prefix}file-{index:D7}.txt",
                ContentBody = "x",
                UseChunkEncoding = false,
            }, cancellationToken);
        }
    }

    await Task.WhenAll(Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(WorkerAsync, cancellationToken)));
    return (count, clock.Elapsed.TotalSeconds);
}

static async Task<(long Bytes, double Seconds)> PutAsync(AmazonS3Client client, string bucket, string key, string file, long partSize, int concurrency, CancellationToken cancellationToken)
{
    var length = new FileInfo(file).Length;
    var clock = Stopwatch.StartNew();
    var upload = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancellationToken);
    try
    {
        var count = (int)((length + partSize - 1) / partSize);
        var etags = new PartETag[count];
        var next = -1;
        async Task WorkerAsync()
        {
            int part;
            while ((part = Interlocked.Increment(ref next)) < count)
            {
                var offset = part * partSize;
                var size = Math.Min(partSize, length - offset);
                var buffer = new byte[size];
                await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous))
                {
                    stream.Position = offset;
                    await stream.ReadExactlyAsync(buffer, cancellationToken);
                }

                using var body = new MemoryStream(buffer, writable: false);
                var response = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = part + 1,
                    InputStream = body,
                    PartSize = size,
                    UseChunkEncoding = false,
                }, cancellationToken);
                etags[part] = new PartETag(part + 1, response.ETag);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(WorkerAsync, cancellationToken)));
        await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = upload.UploadId,
            PartETags = [.. etags],
        }, cancellationToken);
        return (length, clock.Elapsed.TotalSeconds);
    }
    catch
    {
        await client.AbortMultipartUploadAsync(bucket, key, upload.UploadId, CancellationToken.None);
        throw;
    }
}

static async Task<(long Bytes, double Seconds)> GetAsync(AmazonS3Client client, string bucket, string key, CancellationToken cancellationToken)
{
    var clock = Stopwatch.StartNew();
    using var response = await client.GetObjectAsync(bucket, key, cancellationToken);
    var buffer = new byte[1 << 20];
    long total = 0;
    int read;
    while ((read = await response.ResponseStream.ReadAsync(buffer, cancellationToken)) > 0)
    {
        total += read;
    }

    return (total, clock.Elapsed.TotalSeconds);
}

static async Task DeleteBucketAsync(AmazonS3Client client, string bucket, CancellationToken cancellationToken)
{
    var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket }, cancellationToken);
    foreach (var upload in uploads.MultipartUploads ?? [])
    {
        await client.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId, cancellationToken);
    }

    // Bounded: a bench bucket holds a few objects.
    for (var page = 0; page < 100; page++)
    {
        var objects = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, cancellationToken);
        if (objects.S3Objects is not { Count: > 0 })
        {
            break;
        }

        foreach (var item in objects.S3Objects)
        {
            await client.DeleteObjectAsync(bucket, item.Key, cancellationToken);
        }
    }

    await client.DeleteBucketAsync(bucket, cancellationToken);
}
