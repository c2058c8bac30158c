using BenchmarkDotNet.Attributes;
using Ferry.Server.Protocol.Listing;
using Ferry.Server.Security;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;

namespace Ferry.Benchmarks.Listing;

/// <summary>
/// A real folder of 10,000 files on local disk, shaped as bench.py's "dir10k" (entry-NNNNN.txt,
/// 100 bytes each), read through <see cref="LocalFileSystem.ListAsync"/>: the directory reader
/// alone, and the whole LIST and MLSD path (reader, formatter, <see cref="ListingWriter"/> to
/// Stream.Null) the handler runs. The folder stays in the page cache between iterations, as a
/// listed folder does on a server. Mean and allocated are per entry.
/// </summary>
[MemoryDiagnoser]
public class LocalListingBenchmarks
{
    private const int Entries = 10_000;

    private static readonly VirtualPath Folder = VirtualPath.Resolve(VirtualPath.Root, "/dir10k");

    private readonly PermissionPolicy _policy = new(UserPermissions.All, [], anonymous: false);
    private string _root = string.Empty;
    private LocalFileSystem? _fileSystem;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "ferry-bench-listing-" + Environment.ProcessId);
        var folder = Path.Combine(_root, "dir10k");
        Directory.CreateDirectory(folder);
        var content = new byte[100];
        for (var i = 0; i < Entries; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"entry-{i:D5}.txt"), content);
        }

        _fileSystem = new LocalFileSystem(_root);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fileSystem?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>readdir + statx and a <see cref="FileSystemEntry"/> per entry, nothing formatted.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Entries)]
    public async Task<long> Enumerate()
    {
        long size = 0;
        await foreach (var entry in _fileSystem!.ListAsync(Folder, CancellationToken.None))
        {
            size += entry.Size;
        }

        return size;
    }

    [Benchmark(OperationsPerInvoke = Entries)]
    public Task<long> List() => WriteAllAsync(new ListFormatter(DateTime.UtcNow, "alice"));

    [Benchmark(OperationsPerInvoke = Entries)]
    public Task<long> Mlsd() => WriteAllAsync(new MlsxFormatter(MlsxFormatter.DefaultFacts, _policy, Folder));

    private async Task<long> WriteAllAsync<TFormatter>(TFormatter formatter)
        where TFormatter : IListingFormatter
    {
        using var writer = new ListingWriter(Stream.Null);
        await foreach (var entry in _fileSystem!.ListAsync(Folder, CancellationToken.None))
        {
            await writer.WriteAsync(formatter, entry, CancellationToken.None);
        }

        await writer.FlushAsync(CancellationToken.None);
        return writer.BytesWritten;
    }
}
