using BenchmarkDotNet.Attributes;
using Ferry.Server.Protocol.Listing;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Benchmarks.Listing;

/// <summary>
/// A 10,000-entry directory (in memory) formatted the way ListingCommands.StartAsync does it:
/// one formatter per listing writing each line's UTF-8 straight into the pooled 64 KiB buffer of
/// <see cref="ListingWriter"/>, flushed to the data stream when full. The stream is Stream.Null,
/// so what is measured is Ferry's own formatting work. Mean and allocated are per entry
/// (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class ListingBenchmarks
{
    private const int Entries = 10_000;

    private static readonly VirtualPath Folder = VirtualPath.Resolve(VirtualPath.Root, "/pub/releases");

    private readonly PermissionPolicy _policy = new(UserPermissions.All, [], anonymous: false);
    private readonly byte[] _line = new byte[4096];
    private FileSystemEntry[] _entries = [];

    [GlobalSetup]
    public void Setup() => _entries = SampleEntries.Create(Entries);

    /// <summary>LIST: one `ls -l` line per entry (ListFormatter).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Entries)]
    public Task<long> List() => WriteAllAsync(new ListFormatter(SampleEntries.NowUtc, "alice"));

    /// <summary>MLSD: every fact selected (a session's default), perm from a <see cref="PermissionPolicy"/>, as the handler builds it.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public Task<long> Mlsd() => WriteAllAsync(new MlsxFormatter(MlsxFormatter.DefaultFacts, _policy, Folder));

    /// <summary>NLST: the name and CRLF, the floor of a listing.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public Task<long> Nlst() => WriteAllAsync(new NameFormatter(null));

    /// <summary>LIST line formatting alone into one buffer, no writer: how much of <see cref="List"/> is the line itself.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int ListFormatOnly() => FormatAll(new ListFormatter(SampleEntries.NowUtc, "alice"));

    /// <summary>MLSD line formatting alone into one buffer, no writer.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int MlsdFormatOnly() => FormatAll(new MlsxFormatter(MlsxFormatter.DefaultFacts, _policy, Folder));

    private async Task<long> WriteAllAsync<TFormatter>(TFormatter formatter)
        where TFormatter : IListingFormatter
    {
        using var writer = new ListingWriter(Stream.Null);
        foreach (var entry in _entries)
        {
            await writer.WriteAsync(formatter, entry, CancellationToken.None);
        }

        await writer.FlushAsync(CancellationToken.None);
        return writer.BytesWritten;
    }

    private int FormatAll<TFormatter>(TFormatter formatter)
        where TFormatter : IListingFormatter
    {
        var length = 0;
        foreach (var entry in _entries)
        {
            formatter.TryFormat(entry, _line, out var written);
            length += written;
        }

        return length;
    }
}
