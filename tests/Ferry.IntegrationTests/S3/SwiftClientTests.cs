using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.S3;

/// <summary>The real clients against a Ferry user on Swift's s3api.</summary>
public sealed class SwiftClientTests() : S3ClientTests(S3Engine.Swift);
