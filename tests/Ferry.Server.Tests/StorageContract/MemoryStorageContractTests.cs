namespace Ferry.Server.Tests.StorageContract;

/// <summary>The storage contract on the in-memory backend (Support/Memory), the contract's second implementation.</summary>
public sealed class MemoryStorageContractTests : StorageContractTests
{
    /// <summary>A Replace upload writes a private buffer published only at commit: an abort leaves the old file.</summary>
    protected override bool AbortedReplaceKeepsOldContent => true;

    protected override Task<StorageUnderTest> StartAsync() => MemoryStorageUnderTest.StartAsync();
}
