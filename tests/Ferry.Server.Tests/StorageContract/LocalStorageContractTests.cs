namespace Ferry.Server.Tests.StorageContract;

/// <summary>The storage contract on local disk (LocalFileSystem, the default backend).</summary>
public sealed class LocalStorageContractTests : StorageContractTests
{
    protected override Task<StorageUnderTest> StartAsync() => LocalStorageUnderTest.StartAsync();
}
