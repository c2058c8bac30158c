using BenchmarkDotNet.Attributes;
using Ferry.Server.Storage;

namespace Ferry.Benchmarks.Paths;

/// <summary>The other VirtualPath operations the handlers use per entry or per command: Child (MLSD perm of each subfolder), Parent (CDUP, MLST), Name.</summary>
[MemoryDiagnoser]
public class VirtualPathNavigationBenchmarks
{
    private static readonly VirtualPath Current = VirtualPath.Resolve(VirtualPath.Root, "/home/projects/ferry");

    [Benchmark]
    public VirtualPath Child() => Current.Child("release notes.txt");

    [Benchmark]
    public VirtualPath Parent() => Current.Parent;

    [Benchmark]
    public string Name() => Current.Name;
}
