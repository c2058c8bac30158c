using BenchmarkDotNet.Attributes;
using Ferry.Server.Protocol.Listing;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Benchmarks.Listing;

/// <summary>
/// A 10,000-entry directory listed the way ListingCommands.StartAsync does it: each entry
/// formatted to a string, then encoded into the pooled 64 KiB buffer of <see cref="ListingWriter"/>,
/// flushed to the data stream when full. The stream is Stream.Null, so what is measured is
/// Ferry's own work. Mean and allocated are per entry (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class ListingBenchmarks
{
    private const int Entries = 10_000;

    private static readonly VirtualPath Folder = VirtualPath.Resolve(VirtualPath.Root, "/pub/releases");

    private readonly PermissionPolicy _policy = new(UserPermissions.All, [], anonymous: false);
    private FileSystemEntry[] _entries = [];

    [GlobalSetup]
    public void Setup() => _entries = SampleEntries.Create(Entries);

    /// <summary>LIST: one `ls -l` line per entry (ListFormatter.Format).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Entries)]
    public async Task<long> List()
    {
        using var writer = new ListingWriter(Stream.Null);
        foreach (var entry in _entries)
        {
            await writer.WriteLineAsync(ListFormatter.Format(entry, SampleEntries.NowUtc, "alice"), CancellationToken.None);
        }

        await writer.FlushAsync(CancellationToken.None);
        return writer.BytesWritten;
    }

    /// <summary>MLSD: every fact selected (a session's default), perm from the policy, as the handler builds the line.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public async Task<long> Mlsd()
    {
        var facts = MlsxFormatter.DefaultFacts;
        var inFolder = _policy.At(Folder).Granted;
        using var writer = new ListingWriter(Stream.Null);
        foreach (var entry in _entries)
        {
            var inside = entry.IsDirectory ? _policy.At(Folder.Child(entry.Name)).Granted : inFolder;
            await writer.WriteLineAsync(MlsxFormatter.FormatFacts(entry, facts, inFolder, inside) + " " + entry.Name + "\r\n", CancellationToken.None);
        }

        await writer.FlushAsync(CancellationToken.None);
        return writer.BytesWritten;
    }

    /// <summary>NLST: the name and CRLF, the floor a listing cannot go below with one string per line.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public async Task<long> Nlst()
    {
        using var writer = new ListingWriter(Stream.Null);
        foreach (var entry in _entries)
        {
            await writer.WriteLineAsync(entry.Name + "\r\n", CancellationToken.None);
        }

        await writer.FlushAsync(CancellationToken.None);
        return writer.BytesWritten;
    }

    /// <summary>LIST line formatting alone, no writer: how much of <see cref="List"/> is the string building.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int ListFormatOnly()
    {
        var length = 0;
        foreach (var entry in _entries)
        {
            length += ListFormatter.Format(entry, SampleEntries.NowUtc, "alice").Length;
        }

        return length;
    }

    /// <summary>MLSD facts alone, no writer and no name concatenation.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int MlsdFactsOnly()
    {
        var facts = MlsxFormatter.DefaultFacts;
        var length = 0;
        foreach (var entry in _entries)
        {
            length += MlsxFormatter.FormatFacts(entry, facts, UserPermissions.All, UserPermissions.All).Length;
        }

        return length;
    }
}
