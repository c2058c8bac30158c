using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Protocol;

public sealed class LoginTests
{
    [Fact]
    public async Task Correct_password_logs_in_and_wrong_one_gets_530()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER alice", 331);
        await ftp.CommandAsync("PASS wrong", 530);
        await ftp.CommandAsync("PWD", 530);
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
        var pwd = await ftp.CommandAsync("PWD", 257);
        Assert.StartsWith("\"/\"", pwd.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_user_gets_the_same_reply_as_a_wrong_password()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER nobody", 331);
        var unknown = await ftp.CommandAsync("PASS whatever", 530);
        await ftp.CommandAsync("USER alice", 331);
        var wrong = await ftp.CommandAsync("PASS whatever", 530);
        Assert.Equal(wrong.Lines, unknown.Lines);
    }
}
