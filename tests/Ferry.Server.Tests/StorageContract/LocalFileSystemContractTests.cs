using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;

namespace Ferry.Server.Tests.StorageContract;

/// <summary>The contract's error kinds and upload modes on local disk, in a temp folder of its own.</summary>
public sealed class LocalFileSystemContractTests : FileSystemContractTests
{
    private readonly string _root = Directory.CreateTempSubdirectory("ferry-contract-").FullName;

    protected override IFileSystem CreateFileSystem() => new LocalFileSystem(_root);

    protected override void Cleanup() => Directory.Delete(_root, recursive: true);
}
