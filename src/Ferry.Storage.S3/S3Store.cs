using Amazon.S3;
using Microsoft.Extensions.Logging;

namespace Ferry.Storage.S3;

/// <summary>
/// What every session of one profile shares: the client (and its pooled connections), the
/// options, the error mapping, and the locks that make a create-only commit (STOU, STOR without
/// Overwrite) check-then-write atomic among this server's sessions. S3 itself has no
/// create-if-absent that every store implements (Swift's s3api refuses If-None-Match), so two
/// servers behind one bucket can still race there; see the README.
/// </summary>
internal sealed class S3Store(IAmazonS3 client, S3StorageOptions options, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim[] _createLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public IAmazonS3 Client { get; } = client;

    public S3StorageOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public S3Errors Errors { get; } = new(logger, options.Bucket);

    /// <summary>
    /// Upload bodies sent with UNSIGNED-PAYLOAD when the store is reached over TLS (AWS when no
    /// endpoint is set, or an https endpoint): TLS already protects them, and SigV4 would
    /// otherwise hash every part once more before sending it. Over plain http the SDK requires
    /// the signed hash, and it is kept.
    /// </summary>
    public bool UnsignedPayloads { get; } = string.IsNullOrEmpty(options.Endpoint) || options.Endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The lock a create-only commit of <paramref name="key"/> holds while it checks and writes.</summary>
    public SemaphoreSlim CreateLockFor(string key) => _createLocks[(uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_createLocks.Length];

    public void Dispose()
    {
        Client.Dispose();
        foreach (var gate in _createLocks)
        {
            gate.Dispose();
        }
    }
}
