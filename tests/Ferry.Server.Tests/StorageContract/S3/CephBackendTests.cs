using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.StorageContract.S3;

/// <summary>The S3 backend's own promises against Ceph RGW.</summary>
public sealed class CephBackendTests() : S3BackendTests(S3Engine.Ceph);
