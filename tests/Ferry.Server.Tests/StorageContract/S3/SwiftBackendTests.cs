using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>The S3 backend's own promises against Swift s3api.</summary>
public sealed class SwiftBackendTests() : S3BackendTests(S3Engine.Swift);
