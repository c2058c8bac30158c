using System.Text.RegularExpressions;
using Ferry.Server.Diagnostics;

namespace Ferry.Server.Tests.Unit;

/// <summary>How client text prints in the log: quoted, and nothing inside can end the field or the line.</summary>
public sealed partial class ClientTextTests
{
    [Theory]
    [InlineData("bob", "\"bob\"")]
    [InlineData("", "\"\"")]
    [InlineData("Ferry[1006] Banned 203.0.113.7 (network", "\"Ferry[1006] Banned 203.0.113.7 (network\"")]
    [InlineData("x\" from 203.0.113.9 \"", "\"x\\\" from 203.0.113.9 \\\"\"")]
    [InlineData("a\\\"b", "\"a\\\\\\\"b\"")]
    [InlineData("a\r\nb\tc", "\"a\\r\\nb\\tc\"")]
    [InlineData("a\0b\u001b[2Jc\u007fd\u0085", "\"a\\x00b\\x1B[2Jc\\x7Fd\\x85\"")]
    [InlineData("a\u2028b\u202Ec", "\"a\\u2028b\\u202Ec\"")]
    [InlineData("Jos\u00e9 \u65e5\u672c", "\"Jos\u00e9 \u65e5\u672c\"")]
    public void Prints_quoted_and_escaped(string value, string expected)
    {
        ClientText text = value;
        Assert.Equal(expected, text.ToString());
    }

    [Fact]
    public void Whatever_the_text_it_is_one_quoted_field_on_one_line()
    {
        var random = new Random(11);
        char[] alphabet = ['"', '\\', '\r', '\n', '\0', '\u001b', '\u007f', '\u0085', '\u2028', '\u2029', '\u202E', 'a', ' ', '[', ']', '1', '\u00e9'];
        for (var i = 0; i < 2000; i++)
        {
            var value = new string([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var printed = ClientText.FromString(value).ToString();
            Assert.Matches(QuotedField(), printed);
            Assert.DoesNotContain(printed, c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202E');
        }
    }

    // The shape packaging/fail2ban/filter.d/ferry.conf relies on.
    [GeneratedRegex("""^"(?:[^"\\]|\\.)*"$""")]
    private static partial Regex QuotedField();
}
