using BenchmarkDotNet.Attributes;
using Ferry.Server.DataChannels;

namespace Ferry.Benchmarks.Transfers;

/// <summary>
/// TYPE A line-end conversion alone (RFC 959 §3.1.1.1), chunk by chunk as the copy loops call it,
/// over 16 MiB of text with a line end every ~50 bytes: ToNetwork (download, LF to CRLF),
/// ToLocal (upload, CRLF to LF), NetworkLength (SIZE in TYPE A reads the whole file through it).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class AsciiLineEndingsBenchmarks
{
    // TransferPump's chunk: the server's default TransferBufferSize.
    private const int Chunk = 256 * 1024;

    private byte[] _localText = [];
    private byte[] _wireText = [];
    private byte[] _output = [];

    [GlobalSetup]
    public void Setup()
    {
        _localText = SampleData.Text(crlf: false);
        _wireText = SampleData.Text(crlf: true);
        _output = new byte[Chunk * 2];
    }

    [Benchmark(Baseline = true)]
    public long ToNetwork()
    {
        var lineEndings = default(AsciiLineEndings);
        long written = 0;
        for (var offset = 0; offset < _localText.Length; offset += Chunk)
        {
            written += lineEndings.ToNetwork(_localText.AsSpan(offset, Chunk), _output);
        }

        return written;
    }

    [Benchmark]
    public long ToLocal()
    {
        var lineEndings = default(AsciiLineEndings);
        long written = 0;
        for (var offset = 0; offset < _wireText.Length; offset += Chunk)
        {
            written += lineEndings.ToLocal(_wireText.AsSpan(offset, Chunk), _output);
        }

        return written + lineEndings.FlushLocal(_output);
    }

    [Benchmark]
    public long NetworkLength()
    {
        var lineEndings = default(AsciiLineEndings);
        long length = 0;
        for (var offset = 0; offset < _localText.Length; offset += Chunk)
        {
            length += lineEndings.NetworkLength(_localText.AsSpan(offset, Chunk));
        }

        return length;
    }
}
