using BenchmarkDotNet.Attributes;
using Ferry.Server.Storage;

namespace Ferry.Benchmarks.Paths;

/// <summary>
/// VirtualPath.Resolve, the one place client text becomes a path: run for every CWD, RETR,
/// STOR, LIST argument. The current directory is three levels deep, as a session usually is.
/// </summary>
[MemoryDiagnoser]
public class VirtualPathBenchmarks
{
    private static readonly VirtualPath Current = VirtualPath.Resolve(VirtualPath.Root, "/home/projects/ferry");

    [ParamsSource(nameof(Cases))]
    public PathCase Case { get; set; } = PathCase.All().First();

    public static IEnumerable<PathCase> Cases => PathCase.All();

    [Benchmark]
    public VirtualPath Resolve() => VirtualPath.Resolve(Current, Case.ClientPath);
}
