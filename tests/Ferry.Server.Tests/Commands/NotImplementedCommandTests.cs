using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>Known verbs without an implementation get 502, unknown ones 500 (RFC 959 §4.2.1).</summary>
public sealed class NotImplementedCommandTests
{
    [Theory]
    [InlineData("SMNT /mnt")]
    [InlineData("CCC")]
    [VerbTest("SMNT", "CCC")]
    public async Task Unimplemented_verbs_get_502_and_the_session_goes_on(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, 502);
        await ftp.CommandAsync("PWD", 257);
    }

    [Theory]
    [InlineData("XYZZY")]
    [InlineData("XYZZY with arguments")]
    [InlineData("RETRIEVE file")]
    public async Task Unknown_verb_gets_500(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, 500);
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    public async Task Unknown_verb_gets_500_before_login_too()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("XYZZY", 500);
    }
}
