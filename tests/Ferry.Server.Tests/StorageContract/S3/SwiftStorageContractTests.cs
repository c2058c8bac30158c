namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>The storage contract over the wire on the S3 backend, against Swift with s3api (scripts/engines/swift-s3.sh): no conditional PUT, no aws-chunked uploads.</summary>
public sealed class SwiftStorageContractTests : StorageContractTests
{
    protected override async Task<StorageUnderTest> StartAsync() => await S3StorageUnderTest.StartAsync(Support.S3Engine.Swift);
}
