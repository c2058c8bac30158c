using Ferry.Server.DataChannels;

namespace Ferry.Server.Tests.Unit;

/// <summary>
/// The block-copying conversions against a byte-at-a-time reference of RFC 959's rules, on random
/// data rich in CR and LF, cut into random buffers (a CR at a buffer's end is the tricky case).
/// </summary>
public sealed class AsciiLineEndingsEquivalenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Conversions_match_the_byte_at_a_time_reference(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var data = new byte[random.Next(0, 300)];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = random.Next(4) switch { 0 => (byte)'\r', 1 => (byte)'\n', _ => (byte)('a' + random.Next(3)) };
            }

            var cuts = Cuts(random, data.Length);
            Assert.Equal(ReferenceToNetwork(data), Run(data, cuts, toNetwork: true));
            Assert.Equal(ReferenceToLocal(data), Run(data, cuts, toNetwork: false));

            var lengths = default(AsciiLineEndings);
            var total = 0;
            foreach (var (start, length) in cuts)
            {
                total += lengths.NetworkLength(data.AsSpan(start, length));
            }

            Assert.Equal(ReferenceToNetwork(data).Length, total);
        }
    }

    private static List<(int Start, int Length)> Cuts(Random random, int length)
    {
        var cuts = new List<(int, int)>();
        for (var start = 0; start < length;)
        {
            var piece = Math.Min(length - start, random.Next(1, 20));
            cuts.Add((start, piece));
            start += piece;
        }

        return cuts;
    }

    private static byte[] Run(byte[] data, List<(int Start, int Length)> cuts, bool toNetwork)
    {
        var converter = default(AsciiLineEndings);
        var result = new List<byte>();
        var output = new byte[64];
        foreach (var (start, length) in cuts)
        {
            var input = data.AsSpan(start, length);
            var written = toNetwork ? converter.ToNetwork(input, output) : converter.ToLocal(input, output);
            result.AddRange(output.AsSpan(0, written).ToArray());
        }

        if (!toNetwork)
        {
            result.AddRange(output.AsSpan(0, converter.FlushLocal(output)).ToArray());
        }

        return [.. result];
    }

    private static byte[] ReferenceToNetwork(byte[] data)
    {
        var result = new List<byte>();
        var previousWasCr = false;
        foreach (var b in data)
        {
            if (b == '\n' && !previousWasCr)
            {
                result.Add((byte)'\r');
            }

            result.Add(b);
            previousWasCr = b == '\r';
        }

        return [.. result];
    }

    private static byte[] ReferenceToLocal(byte[] data)
    {
        var result = new List<byte>();
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '\r' && i + 1 < data.Length && data[i + 1] == '\n')
            {
                continue;
            }

            result.Add(data[i]);
        }

        return [.. result];
    }
}
