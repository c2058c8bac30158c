using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>TYPE, MODE, STRU (RFC 959 §4.1.2): the supported values get 200, the rest 504, nonsense 501.</summary>
public sealed class ParameterCommandTests
{
    [Theory]
    [InlineData("TYPE A")]
    [InlineData("TYPE A N")]
    [InlineData("TYPE I")]
    [InlineData("TYPE L 8")]
    [InlineData("type i")]
    [VerbTest("TYPE")]
    public async Task Supported_types_get_200(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, 200);
    }

    /// <summary>RFC 959 §5.4: TYPE answers 504 for a valid but unimplemented parameter, 501 for a syntax error.</summary>
    [Theory]
    [InlineData("TYPE E", 504)]
    [InlineData("TYPE A T", 504)]
    [InlineData("TYPE A C", 504)]
    [InlineData("TYPE L 7", 504)]
    [InlineData("TYPE", 501)]
    [VerbTest("TYPE")]
    public async Task Unsupported_types_are_refused(string command, int code)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, code);
    }

    [Fact]
    [VerbTest("TYPE")]
    public async Task Unknown_type_gets_501_or_504()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendAsync("TYPE X");
        var reply = await ftp.ReadReplyAsync();
        Assert.True(reply.Code is 501 or 504, reply.ToString());
    }

    [Fact]
    [VerbTest("TYPE", "STAT")]
    public async Task Type_changes_what_stat_reports_and_a_refused_type_keeps_the_old_one()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        Assert.Contains(((await ftp.CommandAsync("STAT", 211)).Lines), l => l.Contains("ASCII", StringComparison.Ordinal));
        await ftp.CommandAsync("TYPE I", 200);
        await ftp.CommandAsync("TYPE E", 504);
        Assert.Contains(((await ftp.CommandAsync("STAT", 211)).Lines), l => l.Contains("BINARY", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("MODE S", 200)]
    [InlineData("mode s", 200)]
    [InlineData("MODE B", 504)]
    [InlineData("MODE C", 504)]
    [InlineData("MODE Z", 504)]
    [InlineData("MODE Q", 501)]
    [InlineData("MODE", 501)]
    [VerbTest("MODE")]
    public async Task Mode_accepts_stream_only(string command, int code)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, code);
    }

    [Theory]
    [InlineData("STRU F", 200)]
    [InlineData("stru f", 200)]
    [InlineData("STRU R", 504)]
    [InlineData("STRU P", 504)]
    [InlineData("STRU Q", 501)]
    [InlineData("STRU", 501)]
    [VerbTest("STRU")]
    public async Task Stru_accepts_file_structure_only(string command, int code)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, code);
    }

    [Theory]
    [InlineData("TYPE I")]
    [InlineData("MODE S")]
    [InlineData("STRU F")]
    [VerbTest("TYPE", "MODE", "STRU")]
    public async Task Parameters_need_login(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync(command, 530);
    }
}
