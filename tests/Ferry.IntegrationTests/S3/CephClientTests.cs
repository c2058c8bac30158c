using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.S3;

/// <summary>The real clients against a Ferry user on Ceph RGW.</summary>
public sealed class CephClientTests() : S3ClientTests(S3Engine.Ceph);
