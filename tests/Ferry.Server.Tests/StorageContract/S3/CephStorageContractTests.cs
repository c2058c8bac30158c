namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>The storage contract over the wire on the S3 backend, against Ceph RADOS Gateway (scripts/engines/ceph-rgw.sh).</summary>
public sealed class CephStorageContractTests : StorageContractTests
{
    protected override async Task<StorageUnderTest> StartAsync() => await S3StorageUnderTest.StartAsync(Support.S3Engine.Ceph);
}
