using Ferry.Server.Tests.Support;
using Xunit.Abstractions;

namespace Ferry.IntegrationTests.S3;

/// <summary>1 GiB up and down through Ferry to Ceph RGW (memstore: the object is in the engine's RAM, deleted at the end), measured alone.</summary>
[Collection(S3MemoryCollection.Name)]
public sealed class CephMemoryTests(ITestOutputHelper output) : S3MemoryTests(S3Engine.Ceph, output);
