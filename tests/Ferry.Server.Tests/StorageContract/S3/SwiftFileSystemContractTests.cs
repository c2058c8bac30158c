using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>The contract's error kinds and upload modes on the S3 backend against Swift s3api.</summary>
public sealed class SwiftFileSystemContractTests() : S3FileSystemContractTests(S3Engine.Swift);
