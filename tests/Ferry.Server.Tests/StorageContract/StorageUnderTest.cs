using System.Text;
using Ferry.Server.Storage;
using Ferry.Server.Tests.Support;
using Ferry.Server.Tests.Support.Memory;

namespace Ferry.Server.Tests.StorageContract;

/// <summary>
/// A test server in front of one storage backend, with the backend's own way to seed and inspect
/// files (File.* for local disk, the volume for memory, the SDK for S3), so one test body runs
/// against each.
/// </summary>
public abstract class StorageUnderTest(TestServer server) : IAsyncDisposable
{
    public TestServer Server { get; } = server;

    /// <summary>What the backend says it can do: a contract test of a verb it cannot serve checks the refusal instead (CapabilityTests: 502, nothing changed).</summary>
    public abstract FileSystemCapabilities Capabilities { get; }

    public abstract void WriteFile(string path, byte[] content);

    public void WriteFile(string path, string content) => WriteFile(path, Encoding.UTF8.GetBytes(content));

    public abstract void CreateDirectory(string path);

    /// <summary>A file's bytes, or null when no file is there.</summary>
    public abstract byte[]? ReadFile(string path);

    public string? ReadText(string path) => ReadFile(path) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    public abstract bool DirectoryExists(string path);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await DisposeStorageAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the backend holds outside the test server (an S3 factory and bucket), after the server stopped.</summary>
    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;
}

/// <summary>The default backend, LocalFileSystem, in the test server's temp folder.</summary>
public sealed class LocalStorageUnderTest(TestServer server) : StorageUnderTest(server)
{
    public static async Task<StorageUnderTest> StartAsync() => new LocalStorageUnderTest(await TestServer.StartAsync());

    public override FileSystemCapabilities Capabilities => Ferry.Server.Storage.Local.LocalFileSystem.Supported;

    public override void WriteFile(string path, byte[] content)
    {
        var full = Server.PathOf(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
    }

    public override void CreateDirectory(string path) => Directory.CreateDirectory(Server.PathOf(path));

    public override byte[]? ReadFile(string path) => File.Exists(Server.PathOf(path)) ? File.ReadAllBytes(Server.PathOf(path)) : null;

    public override bool DirectoryExists(string path) => Directory.Exists(Server.PathOf(path));
}

/// <summary>InMemoryFileSystem behind the same server; the local root folder stays empty and unused.</summary>
public sealed class MemoryStorageUnderTest(TestServer server, InMemoryVolume volume, FileSystemCapabilities capabilities) : StorageUnderTest(server)
{
    public InMemoryVolume Volume { get; } = volume;

    public override FileSystemCapabilities Capabilities => capabilities;

    public static async Task<StorageUnderTest> StartAsync()
    {
        var factory = new InMemoryFileSystemFactory(new InMemoryVolume());
        return new MemoryStorageUnderTest(await TestServer.StartAsync(fileSystemFactory: factory.Create, fileSystemCapabilities: factory.Capabilities), factory.Volume, factory.Capabilities);
    }

    public override void WriteFile(string path, byte[] content) => Volume.WriteFile(path, content);

    public override void CreateDirectory(string path) => Volume.CreateDirectory(path);

    public override byte[]? ReadFile(string path) => Volume.ReadFile(path);

    public override bool DirectoryExists(string path) => Volume.DirectoryExists(path);
}
