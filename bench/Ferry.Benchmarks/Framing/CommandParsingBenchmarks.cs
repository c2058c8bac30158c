using System.Buffers;
using BenchmarkDotNet.Attributes;
using Ferry.Server;
using Ferry.Server.Protocol;

namespace Ferry.Benchmarks.Framing;

/// <summary>
/// Command framing and parsing, per command: the typical mix of <see cref="SampleCommands"/>
/// pipelined in one buffer. Allocated bytes are per command (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class CommandParsingBenchmarks
{
    private const int Commands = 1000;

    // The server's default limit, so over-long-line handling costs what it costs in production.
    private static readonly int MaxLength = new FtpServerOptions().MaxCommandLineLength;

    private byte[] _pipelined = [];
    private byte[][] _framed = [];
    private ReadOnlySequence<byte>[] _framedSequences = [];
    private MemoryStream _stream = new();

    // "RETR café.txt" from a legacy client that sends Latin-1 (é as the single byte 0xE9): not UTF-8.
    private readonly ReadOnlySequence<byte> _latin1Line = new([.. "RETR caf"u8, 0xE9, .. ".txt\r"u8]);

    [GlobalSetup]
    public void Setup()
    {
        _pipelined = SampleCommands.Pipelined(Commands);
        _framed = SampleCommands.Framed(Commands);
        _framedSequences = [.. _framed.Select(line => new ReadOnlySequence<byte>(line))];
        _stream = new MemoryStream(_pipelined, writable: false);
    }

    /// <summary>The parser alone on lines already split: IAC stripping, UTF-8 decoding, verb and argument.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Commands)]
    public int ParseFramedLine()
    {
        var chars = 0;
        foreach (var line in _framedSequences)
        {
            var command = CommandLineParser.Parse(line);
            chars += command.Verb.Length + command.Argument.Length;
        }

        return chars;
    }

    /// <summary>Framing (PositionOf LF, Slice) and parsing over one contiguous buffer holding every command.</summary>
    [Benchmark(OperationsPerInvoke = Commands)]
    public int FrameAndParseBuffer()
    {
        var chars = 0;
        CommandFraming.ParseLines(new ReadOnlySequence<byte>(_pipelined), MaxLength, ref chars);
        return chars;
    }

    /// <summary>
    /// The whole read path of FtpConnection: a StreamPipeReader with its options (1 KiB segments,
    /// so lines straddle segments), framing and parsing. The reader itself is created per
    /// invocation, as per connection; over 1,000 commands its cost is spread thin.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Commands)]
    public Task<int> FrameAndParseThroughPipeReader()
    {
        _stream.Position = 0;
        return CommandFraming.ReadAllAsync(_stream, MaxLength);
    }

    /// <summary>
    /// One Latin-1 line: the strict UTF-8 decoder throws DecoderFallbackException and the parser
    /// falls back to Latin-1 for legacy 8-bit names. Per command, not per 1,000.
    /// </summary>
    [Benchmark]
    public int ParseLatin1Line()
    {
        var command = CommandLineParser.Parse(_latin1Line);
        return command.Verb.Length + command.Argument.Length;
    }

    [GlobalCleanup]
    public void Cleanup() => _stream.Dispose();
}
