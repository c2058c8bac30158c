using BenchmarkDotNet.Configs;

namespace Ferry.Benchmarks.Transfers;

/// <summary>Adds the MB/s column to a benchmark class (through [Config(typeof(ThroughputConfig))]).</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new ThroughputColumn());
}
