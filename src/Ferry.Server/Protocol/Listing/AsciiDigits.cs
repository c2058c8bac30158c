namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// Decimal, octal and hex digits written as ASCII bytes, for the fixed-width fields of listing
/// lines; cheaper than a format string parsed per call, and with no culture to get wrong.
/// </summary>
internal static class AsciiDigits
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>Two digits, zero-padded (00-99).</summary>
    public static void WriteTwo(Span<byte> destination, int value)
    {
        destination[1] = (byte)('0' + (value % 10));
        destination[0] = (byte)('0' + (value / 10 % 10));
    }

    /// <summary>Four digits, zero-padded (0000-9999), as "yyyy" formats a year.</summary>
    public static void WriteFour(Span<byte> destination, int value)
    {
        WriteTwo(destination[2..], value % 100);
        WriteTwo(destination, value / 100);
    }

    /// <summary>A number in decimal without padding; returns the length (at most 20).</summary>
    public static int WriteDecimal(Span<byte> destination, ulong value)
    {
        var length = 1;
        for (var rest = value / 10; rest != 0; rest /= 10)
        {
            length++;
        }

        for (var i = length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        return length;
    }

    /// <summary>Lower-case hex without padding ("0" for zero); returns the length (at most 16).</summary>
    public static int WriteHex(Span<byte> destination, ulong value) => WriteBinaryRadix(destination, value, 4);

    /// <summary>Octal without padding ("0" for zero); returns the length (at most 22).</summary>
    public static int WriteOctal(Span<byte> destination, ulong value) => WriteBinaryRadix(destination, value, 3);

    /// <summary>Digits of 2^<paramref name="bitsPerDigit"/>: the length from the highest set bit, then shifts.</summary>
    private static int WriteBinaryRadix(Span<byte> destination, ulong value, int bitsPerDigit)
    {
        var bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(value | 1);
        var length = (bits + bitsPerDigit - 1) / bitsPerDigit;
        var mask = (1UL << bitsPerDigit) - 1;
        for (var i = length - 1; i >= 0; i--)
        {
            destination[i] = Hex[(int)(value & mask)];
            value >>= bitsPerDigit;
        }

        return length;
    }
}
