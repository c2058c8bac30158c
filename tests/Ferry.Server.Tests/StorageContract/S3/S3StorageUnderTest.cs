using Ferry.Server.Storage;
using Ferry.Server.Tests.Support;
using Ferry.Storage.S3;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>
/// The S3 backend (S3FileSystemFactory) behind the test server, on a bucket of its own, seeded and
/// inspected through the SDK as the backend lays things out: the user's root is the key prefix
/// "alice/", a file is the object at root + path, a folder is a zero-byte marker object
/// "root + path/" (or any object under that prefix). The local root folder stays empty and unused.
/// </summary>
public sealed class S3StorageUnderTest : StorageUnderTest
{
    private S3StorageUnderTest(TestServer server, S3TestBucket bucket, S3FileSystemFactory factory, S3StorageOptions options)
        : base(server)
    {
        Bucket = bucket;
        Factory = factory;
        Options = options;
        Root = options.RootFor(TestServer.UserName);
    }

    public S3TestBucket Bucket { get; }

    public S3FileSystemFactory Factory { get; }

    public S3StorageOptions Options { get; }

    /// <summary>alice's root: the key prefix her files live under ("alice/").</summary>
    public string Root { get; }

    public override FileSystemCapabilities Capabilities => Factory.Capabilities;

    /// <summary>A bucket of its own on <paramref name="engine"/>, the backend on it (as <paramref name="configure"/> leaves the options), and a test server in front.</summary>
    /// <param name="engine">The engine the bucket is made on.</param>
    /// <param name="configure">Changes the backend's options (PartSize, MaxRenameObjects, keys).</param>
    /// <param name="configureServer">Changes the test server's options.</param>
    /// <param name="tls">The backend reaches the engine over TLS with its CA file (Ceph only); the tests' own SDK client stays on plain HTTP.</param>
    /// <param name="log">Records the server's log events, for tests that check them.</param>
    public static async Task<S3StorageUnderTest> StartAsync(S3Engine engine, Action<S3StorageOptions>? configure = null, Action<FtpServerOptions>? configureServer = null, bool tls = false, RecordingLog? log = null)
    {
        var bucket = await engine.CreateBucketAsync(engine.IsSwift ? "swift" : "ceph");
        S3FileSystemFactory? factory = null;
        try
        {
            var options = bucket.Options(configure, tls);
            factory = new S3FileSystemFactory(options);
            var server = await TestServer.StartAsync(factory, configureServer, log);
            return new S3StorageUnderTest(server, bucket, factory, options);
        }
        catch
        {
            factory?.Dispose();
            await bucket.DisposeAsync();
            throw;
        }
    }

    /// <summary>The object key of <paramref name="path"/> (relative to alice's root, or absolute as the client sees it).</summary>
    public string KeyOf(string path) => Root + path.Trim('/');

    /// <summary>The marker object of the folder at <paramref name="path"/>.</summary>
    public string MarkerOf(string path) => KeyOf(path) + "/";

    /// <summary>The file's object, after a marker for each folder above it (as MKD would have made them).</summary>
    public override void WriteFile(string path, byte[] content) => Run(async () =>
    {
        var parent = Path.GetDirectoryName(path.Trim('/'));
        if (!string.IsNullOrEmpty(parent))
        {
            await CreateMarkersAsync(parent);
        }

        await Bucket.PutAsync(KeyOf(path), content);
        return true;
    });

    /// <summary>A marker for each level: "a/", "a/b/".</summary>
    public override void CreateDirectory(string path) => Run(async () =>
    {
        await CreateMarkersAsync(path);
        return true;
    });

    public override byte[]? ReadFile(string path) => Run(() => Bucket.GetAsync(KeyOf(path)));

    /// <summary>A marker, or any object under the folder's prefix (a folder S3 only implies).</summary>
    public override bool DirectoryExists(string path) => Run(() => Bucket.AnyKeyUnderAsync(MarkerOf(path)));

    /// <summary>Every key under alice's root, relative to it ("sub/", "sub/deep.bin").</summary>
    public List<string> Keys() => Run(async () => (await Bucket.ListKeysAsync(Root)).Select(key => key[Root.Length..]).ToList());

    protected override async ValueTask DisposeStorageAsync()
    {
        Factory.Dispose();
        await Bucket.DisposeAsync();
    }

    private async Task CreateMarkersAsync(string path)
    {
        var levels = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var depth = 1; depth <= levels.Length; depth++)
        {
            await Bucket.PutAsync(MarkerOf(string.Join('/', levels[..depth])), []);
        }
    }

    /// <summary>StorageUnderTest's seeding is synchronous; the SDK is not. Off the test's context, so nothing waits on itself.</summary>
    private static T Run<T>(Func<Task<T>> action) => Task.Run(action).GetAwaiter().GetResult();
}
