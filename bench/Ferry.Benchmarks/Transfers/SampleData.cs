using System.Text;

namespace Ferry.Benchmarks.Transfers;

/// <summary>What the copy-loop and line-ending benchmarks move: 16 MiB, as text or as random bytes.</summary>
public static class SampleData
{
    /// <summary>Bytes per transfer; the MB/s column divides this by the mean.</summary>
    public const int Size = 16 * 1024 * 1024;

    /// <summary>
    /// Source-code-like text: lines of 0-100 characters (mean about 50, so one line end per ~50
    /// bytes), with LF line ends as a local file has, or CRLF as TYPE A puts them on the wire.
    /// </summary>
    public static byte[] Text(bool crlf)
    {
        var random = new Random(6);
        var text = new StringBuilder(Size + 100);
        while (text.Length < Size)
        {
            text.Append('x', random.Next(0, 101)).Append(crlf ? "\r\n" : "\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, Size));
    }

    public static byte[] Binary()
    {
        var bytes = new byte[Size];
        new Random(6).NextBytes(bytes);
        return bytes;
    }
}
