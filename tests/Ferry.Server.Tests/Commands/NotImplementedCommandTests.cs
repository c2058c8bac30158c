using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>Known verbs without an implementation get 502, unknown ones 500 (RFC 959 §4.2.1).</summary>
public sealed class NotImplementedCommandTests
{
    [Theory]
    [InlineData("SMNT /mnt")]
    [InlineData("AUTH TLS")]
    [InlineData("AUTH SSL")]
    [InlineData("PBSZ 0")]
    [InlineData("PROT P")]
    [InlineData("CCC")]
    [VerbTest("SMNT", "AUTH", "PBSZ", "PROT", "CCC")]
    public async Task Unimplemented_verbs_get_502_and_the_session_goes_on(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync(command, 502);
        await ftp.CommandAsync("PWD", 257);
    }

    /// <summary>A client probing for FTPS before login (AUTH TLS first) must get 502, not 530, to fall back to plain FTP.</summary>
    [Theory]
    [InlineData("AUTH TLS")]
    [InlineData("PBSZ 0")]
    [InlineData("PROT P")]
    [VerbTest("AUTH", "PBSZ", "PROT")]
    public async Task Security_verbs_get_502_before_login_and_login_still_works(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync(command, 502);
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
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
