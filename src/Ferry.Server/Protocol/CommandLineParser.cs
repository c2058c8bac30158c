using System.Buffers;
using System.Text;

namespace Ferry.Server.Protocol;

/// <summary>
/// Turns one raw control-connection line into an <see cref="FtpCommand"/>: Telnet IAC sequences
/// removed (RFC 959 §4.1.3: clients send IAC IP, IAC DM before ABOR), the verb upper-cased
/// (verbs are case-insensitive, RFC 959 §5.3), and the argument decoded as UTF-8 (RFC 2640),
/// falling back to Latin-1 for clients that send legacy 8-bit names.
/// </summary>
internal static class CommandLineParser
{
    private const byte Iac = 255;
    private const byte Will = 251;
    private const byte Dont = 254;
    private const byte FirstTelnetCommand = 240;

    public static FtpCommand Parse(ReadOnlySequence<byte> line)
    {
        var length = (int)line.Length;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            line.CopyTo(rented);
            var clean = StripTelnet(rented.AsSpan(0, length));
            if (clean.Length > 0 && clean[^1] == (byte)'\r')
            {
                clean = clean[..^1];
            }

            return Split(Decode(clean));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Removes IAC commands in place: IAC x (2 bytes), IAC WILL/WONT/DO/DONT opt (3 bytes); IAC IAC is a literal 255.</summary>
    internal static Span<byte> StripTelnet(Span<byte> bytes)
    {
        if (bytes.IndexOf(Iac) < 0)
        {
            return bytes;
        }

        var write = 0;
        for (var read = 0; read < bytes.Length; read++)
        {
            if (bytes[read] != Iac)
            {
                bytes[write++] = bytes[read];
                continue;
            }

            if (read + 1 >= bytes.Length)
            {
                break;
            }

            var command = bytes[read + 1];
            if (command == Iac)
            {
                bytes[write++] = Iac;
                read++;
            }
            else if (command is >= Will and <= Dont)
            {
                read += 2;
            }
            else if (command >= FirstTelnetCommand)
            {
                read++;
            }

            // IAC followed by a byte that is no Telnet command: only the IAC is dropped.
        }

        return bytes[..write];
    }

    /// <summary>UTF-8 (RFC 2640), or Latin-1 for a line that is not valid UTF-8; checked first, since an exception per line would make such lines 50-90x dearer for a client who sends nothing else.</summary>
    private static string Decode(ReadOnlySpan<byte> bytes) =>
        System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);

    private static FtpCommand Split(string text)
    {
        // Leading spaces before the verb are tolerated; the argument keeps its own spaces (file names may have them).
        text = text.TrimStart(' ');
        var space = text.IndexOf(' ');
        var verb = space < 0 ? text : text[..space];
        var argument = space < 0 ? string.Empty : text[(space + 1)..];
        return new FtpCommand(verb.ToUpperInvariant(), argument);
    }
}
