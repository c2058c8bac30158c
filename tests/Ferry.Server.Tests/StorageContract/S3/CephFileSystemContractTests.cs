using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>The contract's error kinds and upload modes on the S3 backend against Ceph RGW.</summary>
public sealed class CephFileSystemContractTests() : S3FileSystemContractTests(S3Engine.Ceph);
