using System.Buffers;
using System.Text;

namespace Ferry.Server.Protocol;

/// <summary>
/// Builds reply text, the one place every reply on the control connection is formatted. A text
/// with line breaks ('\n') becomes a multi-line reply (RFC 959 §4.2): "NNN-" on the first line,
/// "NNN " on the last, and each line between indented by a space so that none can be mistaken for
/// the end.
/// <para>
/// No other control character reaches the wire: replies echo what clients sent (USER, HOST, TYPE,
/// SITE, OPTS, HELP arguments, unknown verbs) and names from the disk (257, STAT, MLST), and a
/// bare CR, NUL, ESC or DEL there could make a client see a reply line that Ferry never sent
/// (`MKD x\r226 fake`), or act on a terminal. Each such character (C0 controls, DEL, C1 controls)
/// becomes '?', as POSIX `ls -q` shows unprintable characters in names: one character for one,
/// so the rest of the text is unchanged, and never a byte a client could take for a line end
/// (issue 11, finding 8). CRLF ends each line and nothing else does.
/// </para>
/// </summary>
internal static class ReplyFormatter
{
    /// <summary>What a control character in reply text is written as.</summary>
    public const char ControlReplacement = '?';

    // C0 controls but '\n' (the line separator of multi-line text), DEL and the C1 controls.
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(c => c != '\n').Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c)]);

    public static string Format(FtpReplyCode code, string text)
    {
        var number = ((int)code).ToString();
        if (!text.Contains('\n'))
        {
            return string.Concat(number, " ", Printable(text), "\r\n");
        }

        // A "\r\n" in the text is one line break, as '\n' is (dropping the CR sends nothing).
        var lines = text.Split('\n');
        var builder = new StringBuilder(text.Length + (lines.Length * 6));
        builder.Append(number).Append('-').Append(Printable(lines[0].TrimEnd('\r'))).Append("\r\n");
        for (var i = 1; i < lines.Length - 1; i++)
        {
            var line = Printable(lines[i].TrimEnd('\r'));
            builder.Append(line.StartsWith(' ') ? string.Empty : " ").Append(line).Append("\r\n");
        }

        builder.Append(number).Append(' ').Append(Printable(lines[^1].TrimEnd('\r'))).Append("\r\n");
        return builder.ToString();
    }

    /// <summary>The text with every control character but '\n' replaced by <see cref="ControlReplacement"/>; the same string when there is none.</summary>
    public static string Printable(string text)
    {
        var first = text.AsSpan().IndexOfAny(Controls);
        if (first < 0)
        {
            return text;
        }

        return string.Create(text.Length, (text, first), static (destination, state) =>
        {
            state.text.AsSpan().CopyTo(destination);
            for (var i = state.first; i < destination.Length; i++)
            {
                if (Controls.Contains(destination[i]))
                {
                    destination[i] = ControlReplacement;
                }
            }
        });
    }
}
