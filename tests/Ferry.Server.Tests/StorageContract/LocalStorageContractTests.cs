namespace Ferry.Server.Tests.StorageContract;

/// <summary>The storage contract on local disk (LocalFileSystem, the default backend).</summary>
public sealed class LocalStorageContractTests : StorageContractTests
{
    /// <summary>
    /// False while local STOR writes in place (InPlaceUpload truncates at the start, so an ABOR
    /// leaves a prefix of the upload). LEAD: set to true once atomic uploads land on main (STOR
    /// writes a temporary file renamed over the target at commit); Abor_mid_stor_over_an_existing_file
    /// then requires the old content byte for byte, as the in-memory backend does already.
    /// </summary>
    protected override bool AbortedReplaceKeepsOldContent => false;

    protected override Task<StorageUnderTest> StartAsync() => LocalStorageUnderTest.StartAsync();
}
