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

    /// <summary>Output must hold 2 × input.Length bytes.</summary>
    public int ToNetwork(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        foreach (var b in input)
        {
            if (b == (byte)'\n' && !_previousWasCr)
            {
                output[written++] = (byte)'\r';
            }

            output[written++] = b;
            _previousWasCr = b == (byte)'\r';
        }

        return written;
    }

    /// <summary>How many bytes <see cref="ToNetwork"/> would write for this input (SIZE in TYPE A).</summary>
    public int NetworkLength(ReadOnlySpan<byte> input)
    {
        var length = input.Length;
        foreach (var b in input)
        {
            if (b == (byte)'\n' && !_previousWasCr)
            {
                length++;
            }

            _previousWasCr = b == (byte)'\r';
        }

        return length;
    }

    /// <summary>Output must hold input.Length + 1 bytes.</summary>
    public int ToLocal(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        foreach (var b in input)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                if (b != (byte)'\n')
                {
                    output[written++] = (byte)'\r';
                }
            }

            if (b == (byte)'\r')
            {
                _pendingCr = true;
                continue;
            }

            output[written++] = b;
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
