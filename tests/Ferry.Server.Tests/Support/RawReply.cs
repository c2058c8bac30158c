using System.Globalization;
using System.Text;

namespace Ferry.Server.Tests.Support;

/// <summary>A reply as the bytes of its lines, LF included.</summary>
public sealed record RawReply(int Code, IReadOnlyList<byte[]> Lines)
{
    /// <summary>
    /// The control bytes in the reply other than the CRLF that ends each line (RFC 959 §4.2):
    /// "offset:hex" for each, empty when there is none.
    /// </summary>
    public IReadOnlyList<string> StrayControlBytes()
    {
        var stray = new List<string>();
        foreach (var line in Lines)
        {
            var body = line.Length >= 2 && line[^2] == (byte)'\r' ? line.AsSpan(0, line.Length - 2) : line.AsSpan(0, line.Length - 1);
            if (line.Length < 2 || line[^2] != (byte)'\r')
            {
                stray.Add("LF without CR");
            }

            for (var i = 0; i < body.Length; i++)
            {
                if (body[i] < 0x20 || body[i] == 0x7F)
                {
                    stray.Add(i.ToString(CultureInfo.InvariantCulture) + ":" + body[i].ToString("X2", CultureInfo.InvariantCulture));
                }
            }
        }

        return stray;
    }

    /// <summary>The text with control bytes shown as \xHH, for assertion messages.</summary>
    public override string ToString() => string.Concat(Lines.Select(Show));

    public static string Show(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (var c in Encoding.UTF8.GetString(bytes))
        {
            text.Append(c is < ' ' or '\u007f' ? "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture) : c.ToString());
        }

        return text.ToString();
    }
}
