using System.Globalization;

namespace Ferry.Storage.S3;

/// <summary>
/// One S3 storage profile (configuration "Storage:S3:NAME"): the bucket and key prefix a user's
/// files live under, and how to reach the store. A user whose Storage is "s3:NAME" gets it.
/// </summary>
public sealed class S3StorageOptions
{
    public const long MinPartSize = 5L << 20;
    public const long MaxPartSize = 5L << 30;

    /// <summary>The store's URL (http or https, e.g. https://s3.example.net); empty: AWS itself, by <see cref="Region"/>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The region requests are signed for; stores that have none accept us-east-1.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The bucket every user of this profile shares; it must exist.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>
    /// The key prefix that is a user's root, "{user}" standing for the login name: "{user}/" (the
    /// default) gives each user their own folder in the bucket; "" puts every user of the profile
    /// at the bucket's top (one user per bucket).
    /// </summary>
    public string Prefix { get; set; } = "{user}/";

    /// <summary>A static access key; with <see cref="SecretKey"/>. Both empty: the AWS SDK's default chain (environment, profile file, instance role).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Path-style URLs (endpoint/bucket/key), which S3-compatible stores need; false: virtual-hosted (bucket.endpoint/key), AWS's preference.</summary>
    public bool PathStyle { get; set; } = true;

    /// <summary>A PEM file of the certificate authority that signed the store's TLS certificate, when the system's trust store does not know it.</summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// The size of a multipart upload's parts (bytes), from 5 MiB (S3's smallest part) to 5 GiB.
    /// An upload holds at most <see cref="PartsInFlight"/> + 1 of these in memory.
    /// </summary>
    public long PartSize { get; set; } = 8L << 20;

    /// <summary>
    /// How many parts of one upload are sent to the store at once (1 to 16): one store connection
    /// is slower than the client's, so parts go side by side. Each costs a part of memory.
    /// </summary>
    public int PartsInFlight { get; set; } = 2;

    /// <summary>A folder with more objects than this (the folder's own marker included) is not renamed: S3 has no rename, each object is copied then deleted.</summary>
    public int MaxRenameObjects { get; set; } = 1000;

    /// <summary>The user's root prefix: <see cref="Prefix"/> with "{user}" replaced.</summary>
    public string RootFor(string userName) => Prefix.Replace("{user}", userName, StringComparison.Ordinal);

    /// <summary>One line per mistake, each naming the key (without the "Storage:S3:NAME:" the caller adds).</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            yield return "Bucket: must be set to the name of an existing bucket.";
        }

        if (!string.IsNullOrEmpty(Endpoint)
            && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            yield return $"Endpoint: '{Endpoint}' must be an http:// or https:// URL, or empty for AWS.";
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            yield return "Region: must be set (us-east-1 for a store without regions).";
        }

        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            yield return "AccessKey, SecretKey: set both, or neither to use the AWS SDK's default credentials.";
        }

        if (Prefix.StartsWith('/') || Prefix.Contains("//", StringComparison.Ordinal) || (Prefix.Length > 0 && !Prefix.EndsWith('/')))
        {
            yield return $"Prefix: '{Prefix}' must be empty or end with '/', and neither start with '/' nor hold '//'.";
        }

        if (PartSize is < MinPartSize or > MaxPartSize)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"PartSize: {PartSize} must be from {MinPartSize} (5 MiB) to {MaxPartSize} (5 GiB).");
        }

        if (PartsInFlight is < 1 or > 16)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"PartsInFlight: {PartsInFlight} must be from 1 to 16.");
        }

        if (MaxRenameObjects < 1)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"MaxRenameObjects: {MaxRenameObjects} must be 1 or more.");
        }

        if (!string.IsNullOrEmpty(CaFile) && !File.Exists(CaFile))
        {
            yield return $"CaFile: '{CaFile}' does not exist.";
        }
    }
}
