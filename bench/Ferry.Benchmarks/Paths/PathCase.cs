namespace Ferry.Benchmarks.Paths;

/// <summary>One client path for <see cref="VirtualPathBenchmarks"/>, shown by its short name in the results.</summary>
public sealed class PathCase
{
    public PathCase(string name, string clientPath)
    {
        Name = name;
        ClientPath = clientPath;
    }

    public string Name { get; }

    public string ClientPath { get; }

    public override string ToString() => Name;

    /// <summary>Typical client input, then hostile input: long, deep, climbing, odd.</summary>
    public static IEnumerable<PathCase> All() =>
    [
        new("relative-file", "report.pdf"),
        new("absolute", "/pub/releases/2025/ferry-1.4.2-linux-x64.tar.gz"),
        new("dotdot-mid", "a/b/../c"),
        new("utf8", "Документы/отчёты/年次報告書 2024.pdf"),
        new("long-4KiB", string.Join('/', Enumerable.Repeat("segment-of-thirty-two-characters", 124))),
        new("climb-500", string.Concat(Enumerable.Repeat("../", 500)) + "etc/passwd"),
        new("slashes-dots", "//././/././///a/./b//./"),
    ];
}
