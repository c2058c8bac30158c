namespace Ferry.IntegrationTests.S3;

/// <summary>
/// Tests that measure this process's resident memory while Ferry moves a large file to and from
/// S3 (S3MemoryTests) run alone, after the parallel ones: the server runs inside the test process,
/// so another test's allocations at the same time would be counted as the transfer's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class S3MemoryCollection
{
    public const string Name = "S3 memory (runs alone)";
}
