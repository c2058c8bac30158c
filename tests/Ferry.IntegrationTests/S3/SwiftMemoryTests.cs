using Ferry.Server.Tests.Support;
using Xunit.Abstractions;

namespace Ferry.IntegrationTests.S3;

/// <summary>1 GiB up and down through Ferry to Swift's s3api (on disk in the engine's folder, deleted at the end), measured alone.</summary>
[Collection(S3MemoryCollection.Name)]
public sealed class SwiftMemoryTests(ITestOutputHelper output) : S3MemoryTests(S3Engine.Swift, output);
