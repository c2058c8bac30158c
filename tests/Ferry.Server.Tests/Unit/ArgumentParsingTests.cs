using Ferry.Server.Protocol.Handlers;
using Ferry.Server.Security;

namespace Ferry.Server.Tests.Unit;

public sealed class ArgumentParsingTests
{
    [Theory]
    [InlineData("127,0,0,1,4,1", "127.0.0.1", 1025)]
    [InlineData(" 10,1,2,3,255,255 ", "10.1.2.3", 65535)]
    public void Port_argument_parses(string argument, string address, int port)
    {
        Assert.True(DataConnectionCommands.TryParsePort(argument, out var target));
        Assert.Equal(address, target.Address.ToString());
        Assert.Equal(port, target.Port);
    }

    [Theory]
    [InlineData("127,0,0,1,4")]
    [InlineData("127,0,0,256,4,1")]
    [InlineData("a,b,c,d,e,f")]
    [InlineData("-1,0,0,1,4,1")]
    public void Bad_port_arguments_are_refused(string argument) =>
        Assert.False(DataConnectionCommands.TryParsePort(argument, out _));

    [Theory]
    [InlineData("|1|132.235.1.2|6275|", "132.235.1.2", 6275)]
    [InlineData("|2|::1|5282|", "::1", 5282)]
    [InlineData("!2!1080::8:800:200C:417A!5282!", "1080::8:800:200c:417a", 5282)]
    public void Eprt_argument_parses(string argument, string address, int port)
    {
        Assert.Equal(DataConnectionCommands.EprtParse.Ok, DataConnectionCommands.TryParseEprt(argument, out var target));
        Assert.Equal(address, target!.Address.ToString());
        Assert.Equal(port, target.Port);
    }

    [Theory]
    [InlineData("|3|1.2.3.4|5|", false)]
    [InlineData("|1|::1|5|", true)]
    [InlineData("|1|1.2.3.4|70000|", true)]
    [InlineData("1.2.3.4", true)]
    public void Bad_eprt_arguments_are_classified(string argument, bool isSyntaxError) =>
        Assert.Equal(
            isSyntaxError ? DataConnectionCommands.EprtParse.BadSyntax : DataConnectionCommands.EprtParse.BadProtocol,
            DataConnectionCommands.TryParseEprt(argument, out _));

    [Theory]
    [InlineData("20261201123456", 2026, 12, 1, 12, 34, 56, 0)]
    [InlineData("20000229000000.5", 2000, 2, 29, 0, 0, 0, 500)]
    public void Mfmt_timestamps_parse_as_utc(string text, int y, int mo, int d, int h, int mi, int s, int ms)
    {
        Assert.True(FileCommands.TryParseTimestamp(text, out var time));
        Assert.Equal(new DateTime(y, mo, d, h, mi, s, ms, DateTimeKind.Utc), time);
        Assert.Equal(DateTimeKind.Utc, time.Kind);
    }

    [Theory]
    [InlineData("2026120112345")]
    [InlineData("20261301123456")]
    [InlineData("20261201123456.")]
    [InlineData("x")]
    public void Bad_mfmt_timestamps_are_refused(string text) => Assert.False(FileCommands.TryParseTimestamp(text, out _));

    [Theory]
    [InlineData("755", 0b111_101_101)]
    [InlineData("0600", 0b110_000_000)]
    public void Chmod_modes_parse_as_octal(string text, int mode)
    {
        Assert.True(SiteCommands.TryParseMode(text, out var parsed));
        Assert.Equal((UnixFileMode)mode, parsed);
    }

    [Theory]
    [InlineData("4755")]
    [InlineData("8")]
    [InlineData("rwx")]
    [InlineData("")]
    public void Bad_or_setuid_chmod_modes_are_refused(string text) => Assert.False(SiteCommands.TryParseMode(text, out _));

    [Fact]
    public void Password_hash_verifies_only_the_right_password_and_keeps_its_cost()
    {
        var hash = PasswordHasher.Hash("pw", 1000);
        Assert.StartsWith("pbkdf2-sha256$1000$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("pw", hash));
        Assert.False(PasswordHasher.Verify("pW", hash));
        Assert.False(PasswordHasher.Verify("pw", "garbage"));
        Assert.False(PasswordHasher.Verify("pw", "pbkdf2-sha256$x$y$z"));
    }
}
