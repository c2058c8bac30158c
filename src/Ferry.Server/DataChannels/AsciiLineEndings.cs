namespace Ferry.Server.DataChannels;

/// <summary>
/// TYPE A conversion (RFC 959 §3.1.1.1): the wire uses CRLF, local files use LF. Outgoing, a bare
/// LF becomes CRLF and an existing CRLF is left alone; incoming, CRLF becomes LF and a lone CR is
/// kept. A CR at the end of one buffer is carried into the next.
/// </summary>
internal struct AsciiLineEndings
{
    private bool _previousWasCr;
    private bool _pendingCr;

    // Each method jumps from line end to line end with a vectorised IndexOf and copies the runs
    // between them in blocks: a byte-at-a-time loop made TYPE A about 10x slower than TYPE I
    // (bench/Ferry.Benchmarks, AsciiLineEndingsBenchmarks).

    /// <summary>Output must hold 2 × input.Length bytes.</summary>
    public int ToNetwork(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        while (!input.IsEmpty)
        {
            var lf = input.IndexOf((byte)'\n');
            if (lf < 0)
            {
                input.CopyTo(output[written..]);
                written += input.Length;
                _previousWasCr = input[^1] == (byte)'\r';
                break;
            }

            input[..lf].CopyTo(output[written..]);
            written += lf;
            var crBefore = lf > 0 ? input[lf - 1] == (byte)'\r' : _previousWasCr;
            if (!crBefore)
            {
                output[written++] = (byte)'\r';
            }

            output[written++] = (byte)'\n';
            _previousWasCr = false;
            input = input[(lf + 1)..];
        }

        return written;
    }

    /// <summary>How many bytes <see cref="ToNetwork"/> would write for this input (SIZE in TYPE A).</summary>
    public int NetworkLength(ReadOnlySpan<byte> input)
    {
        var length = input.Length;
        while (!input.IsEmpty)
        {
            var lf = input.IndexOf((byte)'\n');
            if (lf < 0)
            {
                _previousWasCr = input[^1] == (byte)'\r';
                break;
            }

            if (!(lf > 0 ? input[lf - 1] == (byte)'\r' : _previousWasCr))
            {
                length++;
            }

            _previousWasCr = false;
            input = input[(lf + 1)..];
        }

        return length;
    }

    /// <summary>Output must hold input.Length + 1 bytes.</summary>
    public int ToLocal(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        if (_pendingCr && !input.IsEmpty)
        {
            // The CR that ended the previous buffer: half of a CRLF, or a lone CR that is data.
            _pendingCr = false;
            if (input[0] != (byte)'\n')
            {
                output[written++] = (byte)'\r';
            }
        }

        while (!input.IsEmpty)
        {
            var cr = input.IndexOf((byte)'\r');
            if (cr < 0)
            {
                input.CopyTo(output[written..]);
                written += input.Length;
                break;
            }

            input[..cr].CopyTo(output[written..]);
            written += cr;
            if (cr == input.Length - 1)
            {
                _pendingCr = true;
                break;
            }

            // CRLF loses its CR; a lone CR is kept. The byte after it is handled by the next round.
            if (input[cr + 1] != (byte)'\n')
            {
                output[written++] = (byte)'\r';
            }

            input = input[(cr + 1)..];
        }

        return written;
    }

    /// <summary>A CR left at the very end of an upload is data, not half a line end.</summary>
    public int FlushLocal(Span<byte> output)
    {
        if (!_pendingCr)
        {
            return 0;
        }

        _pendingCr = false;
        output[0] = (byte)'\r';
        return 1;
    }
}
