using Ferry.Server.Security;
using Ferry.Server.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Storage.S3;

/// <summary>
/// The S3 backend for one profile: each user's root is the profile's bucket under
/// <see cref="S3StorageOptions.RootFor"/>. One S3 client (and its connection pool) per profile,
/// shared by every session of it. Nothing is checked against the store here: a login costs no
/// request, and a store that is down shows as 451 on the first command that needs it.
/// </summary>
public sealed class S3FileSystemFactory : IFileSystemFactory, IDisposable
{
    private readonly S3Store _store;

    public S3FileSystemFactory(S3StorageOptions options, ILogger? logger = null)
    {
        if (options.Validate().FirstOrDefault() is { } mistake)
        {
            throw new ArgumentException(mistake, nameof(options));
        }

        _store = new S3Store(S3ClientFactory.Create(options), options, logger ?? NullLogger.Instance);
    }

    public FileSystemCapabilities Capabilities => S3FileSystem.Supported;

    /// <summary>What the profile's sessions share (for tests that lower its limits).</summary>
    internal S3Store Store => _store;

    public ValueTask<IFileSystem> CreateAsync(FtpUser user, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IFileSystem>(new S3FileSystem(_store, _store.Options.RootFor(user.Name)));
    }

    public void Dispose() => _store.Dispose();
}
