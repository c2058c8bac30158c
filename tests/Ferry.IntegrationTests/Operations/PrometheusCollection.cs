namespace Ferry.IntegrationTests.Operations;

/// <summary>The tests that share the run's one Prometheus (<see cref="PrometheusServer"/>).</summary>
[CollectionDefinition(Name)]
public sealed class PrometheusCollection : ICollectionFixture<PrometheusServer>
{
    public const string Name = "Prometheus";
}
