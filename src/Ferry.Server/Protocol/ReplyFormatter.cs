using System.Text;

namespace Ferry.Server.Protocol;

/// <summary>
/// Builds reply text. A text with line breaks becomes a multi-line reply (RFC 959 §4.2): "NNN-" on
/// the first line, "NNN " on the last, and each line between indented by a space so that none
/// can be mistaken for the end.
/// </summary>
internal static class ReplyFormatter
{
    public static string Format(FtpReplyCode code, string text)
    {
        var number = ((int)code).ToString();
        if (!text.Contains('\n'))
        {
            return number + " " + text + "\r\n";
        }

        var lines = text.Split('\n');
        var builder = new StringBuilder(text.Length + (lines.Length * 6));
        builder.Append(number).Append('-').Append(lines[0].TrimEnd('\r')).Append("\r\n");
        for (var i = 1; i < lines.Length - 1; i++)
        {
            var line = lines[i].TrimEnd('\r');
            builder.Append(line.StartsWith(' ') ? string.Empty : " ").Append(line).Append("\r\n");
        }

        builder.Append(number).Append(' ').Append(lines[^1].TrimEnd('\r')).Append("\r\n");
        return builder.ToString();
    }
}
