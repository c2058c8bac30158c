using Ferry.Server.Security;
using Ferry.Server.Storage;
using Ferry.Server.Tests.Support;
using Ferry.Storage.S3;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>
/// The contract's error kinds and upload modes below the wire on the S3 backend: each test gets a
/// bucket of its own on the engine and alice's file system from S3FileSystemFactory.CreateAsync,
/// as a login would.
/// </summary>
public abstract class S3FileSystemContractTests(S3Engine engine) : FileSystemContractTests, IAsyncLifetime
{
    private S3TestBucket? _bucket;
    private S3FileSystemFactory? _factory;
    private IFileSystem? _fileSystem;

    /// <summary>The account a login would hand the factory: an S3 user, whose home folder is unused.</summary>
    public static FtpUser User { get; } = new(TestServer.UserName, "unused", "/nonexistent", UserPermissions.All, Disabled: false, Storage: "s3:test");

    public async Task InitializeAsync()
    {
        _bucket = await engine.CreateBucketAsync(engine.IsSwift ? "swiftfs" : "cephfs");
        _factory = new S3FileSystemFactory(_bucket.Options());
        _fileSystem = await _factory.CreateAsync(User, CancellationToken.None);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_bucket is not null)
        {
            await _bucket.DisposeAsync();
        }
    }

    /// <summary>A rename copies the object to a new key: a new object, with its own id.</summary>
    protected override bool RenameKeepsIdentity => false;

    protected override IFileSystem CreateFileSystem() => _fileSystem ?? throw new InvalidOperationException("InitializeAsync did not make the file system");

    /// <summary>After the base class disposed the file system (xunit calls IAsyncLifetime.DisposeAsync first, then Dispose).</summary>
    protected override void Cleanup() => _factory?.Dispose();
}
