using System.Buffers;
using System.Text;
using Ferry.Server.Protocol;

namespace Ferry.Server.Tests.Unit;

public sealed class CommandLineParserTests
{
    private static FtpCommand Parse(byte[] bytes) => CommandLineParser.Parse(new ReadOnlySequence<byte>(bytes));

    private static FtpCommand Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Verb_is_upper_cased_and_argument_kept_exactly()
    {
        var command = Parse("stor  two  spaces.txt \r");
        Assert.Equal("STOR", command.Verb);
        Assert.Equal(" two  spaces.txt ", command.Argument);
    }

    [Fact]
    public void Telnet_interrupt_and_data_mark_before_abor_are_removed()
    {
        var command = Parse([255, 244, 255, 242, (byte)'A', (byte)'B', (byte)'O', (byte)'R', (byte)'\r']);
        Assert.Equal("ABOR", command.Verb);
    }

    [Fact]
    public void Telnet_option_negotiation_is_removed_and_iac_iac_is_a_literal_byte()
    {
        var bytes = new byte[] { 255, 251, 1, (byte)'N', (byte)'O', (byte)'O', (byte)'P' };
        Assert.Equal("NOOP", Parse(bytes).Verb);
        var stripped = CommandLineParser.StripTelnet(new byte[] { 1, 255, 255, 2 });
        Assert.Equal(new byte[] { 1, 255, 2 }, stripped.ToArray());
    }

    [Fact]
    public void Utf8_names_decode_and_invalid_utf8_falls_back_to_latin1()
    {
        Assert.Equal("Grüße 日本.txt", Parse("RETR Grüße 日本.txt").Argument);
        var latin1 = Parse([(byte)'R', (byte)'E', (byte)'T', (byte)'R', (byte)' ', 0xE9, (byte)'t', (byte)'e']);
        Assert.Equal("\u00e9te", latin1.Argument);
    }

    [Fact]
    public void Pass_argument_is_masked_for_logs()
    {
        Assert.Equal("PASS ****", Parse("PASS secret").ForLog);
        Assert.Equal("USER bob", Parse("USER bob").ForLog);
    }
}
