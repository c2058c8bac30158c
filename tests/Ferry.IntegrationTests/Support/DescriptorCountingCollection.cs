namespace Ferry.IntegrationTests.Support;

/// <summary>Tests that count this process's file descriptors run alone, so other tests' sockets do not blur the counts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DescriptorCountingCollection
{
    public const string Name = "Descriptor counting (runs alone)";
}
