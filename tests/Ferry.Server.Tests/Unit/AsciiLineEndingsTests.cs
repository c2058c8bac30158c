using System.Text;
using Ferry.Server.DataChannels;

namespace Ferry.Server.Tests.Unit;

public sealed class AsciiLineEndingsTests
{
    [Theory]
    [InlineData("a\nb\n", "a\r\nb\r\n")]
    [InlineData("a\r\nb", "a\r\nb")]
    [InlineData("\n\n", "\r\n\r\n")]
    [InlineData("lone\rcr", "lone\rcr")]
    public void Outgoing_bare_lf_becomes_crlf(string local, string wire)
    {
        var converter = default(AsciiLineEndings);
        var input = Encoding.ASCII.GetBytes(local);
        var output = new byte[input.Length * 2];
        var length = converter.ToNetwork(input, output);
        Assert.Equal(wire, Encoding.ASCII.GetString(output, 0, length));
    }

    [Fact]
    public void Incoming_crlf_split_across_buffers_becomes_one_lf_and_a_final_cr_is_kept()
    {
        var converter = default(AsciiLineEndings);
        var output = new List<byte>();
        foreach (var chunk in new[] { "a\r", "\nb\r", "c\r" })
        {
            var input = Encoding.ASCII.GetBytes(chunk);
            var buffer = new byte[input.Length + 1];
            output.AddRange(buffer.AsSpan(0, converter.ToLocal(input, buffer)).ToArray());
        }

        var tail = new byte[1];
        output.AddRange(tail.AsSpan(0, converter.FlushLocal(tail)).ToArray());
        Assert.Equal("a\nb\rc\r", Encoding.ASCII.GetString(output.ToArray()));
    }
}
