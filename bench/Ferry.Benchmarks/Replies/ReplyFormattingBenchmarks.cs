using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Ferry.Server.Protocol;

namespace Ferry.Benchmarks.Replies;

/// <summary>
/// Reply formatting (RFC 959 §4.2): the single-line replies every command gets, and a FEAT-sized
/// multi-line reply. "Encoded" adds what FtpConnection.ReplyAsync does after formatting: UTF-8
/// into a pooled buffer, ready for the stream.
/// </summary>
[MemoryDiagnoser]
public class ReplyFormattingBenchmarks
{
    private const string PassiveText = "Entering Passive Mode (127,0,0,1,195,80).";

    // The shape of Ferry's own FEAT reply (InformationCommands.FeatAsync): a heading, one
    // indented feature per line (RFC 2389 §3.2), "End".
    private const string FeatText =
        "Features:\n AUTH TLS\n EPRT\n EPSV\n HOST\n LANG EN\n MDTM\n MFMT\n MLST type*;size*;modify*;perm*;unique*;UNIX.mode*;\n" +
        " PBSZ\n PROT\n REST STREAM\n SIZE\n TVFS\n UTF8\nEnd";

    [Benchmark(Baseline = true)]
    public string SingleLine() => ReplyFormatter.Format(FtpReplyCode.EnteringPassiveMode, PassiveText);

    [Benchmark]
    public string MultiLineFeat() => ReplyFormatter.Format(FtpReplyCode.SystemStatus, FeatText);

    [Benchmark]
    public int SingleLineEncoded() => Encode(ReplyFormatter.Format(FtpReplyCode.EnteringPassiveMode, PassiveText));

    [Benchmark]
    public int MultiLineFeatEncoded() => Encode(ReplyFormatter.Format(FtpReplyCode.SystemStatus, FeatText));

    /// <summary>As FtpConnection.ReplyAsync: rent GetMaxByteCount bytes, encode, (write), return.</summary>
    private static int Encode(string reply)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(reply.Length));
        try
        {
            return Encoding.UTF8.GetBytes(reply, bytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
