using System.Buffers;
using System.IO.Pipelines;
using Ferry.Server.Protocol;

namespace Ferry.Benchmarks.Framing;

/// <summary>
/// The CRLF framing of the control connection. It lives inside FtpConnection.ReadCommandsAsync
/// (src/Ferry.Server/Connections/FtpConnection.cs) and cannot be called alone, so this is a
/// faithful copy of that loop, minus the replies and the TLS upgrade: split the buffer at each LF,
/// drop a line over the limit, hand the rest to <see cref="CommandLineParser.Parse"/>. When the
/// framing becomes its own type (a CommandReader), the benchmark should call that instead.
/// </summary>
internal static class CommandFraming
{
    /// <summary>FtpConnection's reader: 1 KiB segments, zero-byte reads (an idle session holds no buffer).</summary>
    public static readonly StreamPipeReaderOptions ReaderOptions = new(
        bufferSize: 1024, minimumReadSize: 256, leaveOpen: true, useZeroByteReads: true);

    /// <summary>Frames and parses every whole line of <paramref name="buffer"/>; returns what is left over.</summary>
    public static ReadOnlySequence<byte> ParseLines(ReadOnlySequence<byte> buffer, int maxLength, ref int verbChars)
    {
        while (buffer.PositionOf((byte)'\n') is { } newline)
        {
            var line = buffer.Slice(0, newline);
            buffer = buffer.Slice(buffer.GetPosition(1, newline));
            if (line.Length > maxLength)
            {
                continue;
            }

            var command = CommandLineParser.Parse(line);
            verbChars += command.Verb.Length + command.Argument.Length;
        }

        return buffer;
    }

    /// <summary>The connection's read loop over a stream, through the same PipeReader options.</summary>
    public static async Task<int> ReadAllAsync(Stream stream, int maxLength)
    {
        var reader = PipeReader.Create(stream, ReaderOptions);
        var verbChars = 0;
        while (true)
        {
            var result = await reader.ReadAsync();
            var rest = ParseLines(result.Buffer, maxLength, ref verbChars);
            reader.AdvanceTo(rest.Start, result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await reader.CompleteAsync();
        return verbChars;
    }
}
