using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Ferry.Storage.S3;

/// <summary>
/// Builds the S3 client of a profile, set for S3-compatible stores as much as for AWS: checksums
/// only where an operation requires them (the SDK's default sends aws-chunked bodies with trailing
/// checksums, which Ceph RGW 16 refuses and Swift's s3api does not implement), the SDK's standard
/// retry mode (503 SlowDown and other throttling retried with backoff), and bounded waits so an
/// unreachable store becomes a 451 rather than a hung session.
/// </summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.PathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 4,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (string.IsNullOrEmpty(options.Endpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.Endpoint;
            config.AuthenticationRegion = options.Region;
        }

        if (!string.IsNullOrEmpty(options.CaFile))
        {
            config.HttpClientFactory = new TrustedCaHttpClientFactory(options.CaFile);
        }

        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
