using System.Globalization;
using System.Text;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// Text a client chose (a user name, a path, a command line, a reply that echoes one) on its way
/// into a log record. It prints quoted, with a quote, a backslash and every character that could
/// end, split or repaint a line escaped, so no client can write something that a log reader such
/// as fail2ban takes for another record (issue 11, finding 3: a user name
/// <c>Ferry[1006] Banned 203.0.113.7 (network</c> banned 203.0.113.7). Quoting makes the value's
/// end unambiguous: inside the quotes every <c>"</c> is <c>\"</c>, so a filter can match the field
/// as <c>"(?:[^"\\]|\\.)*"</c> and whatever follows it is Ferry's own text.
/// <para>
/// [LoggerMessage] parameters that carry client text are typed <see cref="ClientText"/>, never
/// <see cref="string"/>: a string passed to them converts implicitly, so a call site cannot forget
/// the escaping (FerryLogParameterTests fails when a string parameter is added without a decision).
/// </para>
/// </summary>
internal readonly struct ClientText : IEquatable<ClientText>
{
    private readonly string? _value;

    private ClientText(string? value) => _value = value;

    /// <summary>The text as the client sent it (for tests and for code that needs the raw value).</summary>
    public string Value => _value ?? string.Empty;

    public static implicit operator ClientText(string? value) => new(value);

    /// <summary>The named alternative to the implicit conversion (CA2225).</summary>
    public static ClientText FromString(string? value) => new(value);

    /// <summary>
    /// The quoted, escaped form: <c>"</c> and <c>\</c> as <c>\"</c> and <c>\\</c>; TAB, CR and LF as
    /// <c>\t</c>, <c>\r</c>, <c>\n</c>; every other control character (C0, DEL, C1), the Unicode
    /// line and paragraph separators and the bidirectional overrides as <c>\xHH</c> or <c>\uHHHH</c>.
    /// Everything else, other scripts included, stays as it is.
    /// </summary>
    public override string ToString() => Quote(Value);

    public static string Quote(string value)
    {
        if (!NeedsEscaping(value))
        {
            return string.Concat("\"", value, "\"");
        }

        var text = new StringBuilder(value.Length + 8);
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case < '\u0100' when IsUnsafe(c):
                    text.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (IsUnsafe(c))
                    {
                        text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }

    public bool Equals(ClientText other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is ClientText other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public static bool operator ==(ClientText left, ClientText right) => left.Equals(right);

    public static bool operator !=(ClientText left, ClientText right) => !left.Equals(right);

    private static bool NeedsEscaping(string value)
    {
        foreach (var c in value)
        {
            if (c is '"' or '\\' || IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Characters a log line must not carry raw: controls (a terminal or journald acts on them;
    /// journald ends a record at NUL as at LF), line and paragraph separators (U+2028/U+2029, line
    /// ends to some viewers), and the bidirectional controls that make a line read differently from
    /// its bytes (U+202A-U+202E, U+2066-U+2069).
    /// </summary>
    internal static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
