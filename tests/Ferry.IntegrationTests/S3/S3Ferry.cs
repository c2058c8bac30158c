using Ferry.Server.Tests.Support;
using Ferry.Storage.S3;

namespace Ferry.IntegrationTests.S3;

/// <summary>
/// A Ferry server whose user alice lives on S3: a bucket of the test's own on an
/// <see cref="S3Engine"/>, the S3 backend on it (alice's root is the key prefix "alice/"), and a
/// <see cref="TestServer"/> in front on 127.0.0.1, so the real clients talk FTP to Ferry and the
/// test looks behind Ferry's back with the SDK. Disposal stops the server, then empties and
/// deletes the bucket.
/// </summary>
public sealed class S3Ferry : IAsyncDisposable
{
    private readonly S3FileSystemFactory _factory;

    private S3Ferry(TestServer server, S3TestBucket bucket, S3FileSystemFactory factory, S3StorageOptions options)
    {
        Server = server;
        Bucket = bucket;
        Options = options;
        _factory = factory;
        Root = options.RootFor(TestServer.UserName);
    }

    public TestServer Server { get; }

    public S3TestBucket Bucket { get; }

    public S3StorageOptions Options { get; }

    /// <summary>alice's root: the key prefix her files live under ("alice/").</summary>
    public string Root { get; }

    /// <summary>A bucket of its own on <paramref name="engine"/>, the backend on it as <paramref name="configure"/> leaves the options, and a server in front.</summary>
    /// <param name="engine">The engine the bucket is made on.</param>
    /// <param name="purpose">A few letters for the bucket's name.</param>
    /// <param name="configure">Changes the backend's options (PartSize, PartsInFlight).</param>
    public static async Task<S3Ferry> StartAsync(S3Engine engine, string purpose, Action<S3StorageOptions>? configure = null)
    {
        var bucket = await engine.CreateBucketAsync(purpose);
        S3FileSystemFactory? factory = null;
        try
        {
            var options = bucket.Options(configure);
            factory = new S3FileSystemFactory(options);
            var server = await TestServer.StartAsync(factory);
            return new S3Ferry(server, bucket, factory, options);
        }
        catch
        {
            factory?.Dispose();
            await bucket.DisposeAsync();
            throw;
        }
    }

    /// <summary>The object key of <paramref name="path"/>, relative to alice's root.</summary>
    public string KeyOf(string path) => Root + path.Trim('/');

    /// <summary>Every key under alice's root, relative to it ("up/", "up/top.bin"), sorted ordinally.</summary>
    public async Task<List<string>> KeysAsync() =>
        [.. (await Bucket.ListKeysAsync(Root)).Select(key => key[Root.Length..]).Order(StringComparer.Ordinal)];

    /// <summary>Puts an object under alice's root behind Ferry's back (a file at the top needs no folder marker).</summary>
    public Task PutAsync(string path, byte[] content) => Bucket.PutAsync(KeyOf(path), content);

    /// <summary>The object's bytes, or null when there is none.</summary>
    public Task<byte[]?> GetAsync(string path) => Bucket.GetAsync(KeyOf(path));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _factory.Dispose();
        await Bucket.DisposeAsync();
    }
}
