using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>USER, PASS, ACCT, REIN, QUIT (RFC 959 §4.1.1) and HOST (RFC 7151).</summary>
public sealed class AccessCommandTests
{
    [Fact]
    [VerbTest("USER", "PASS")]
    public async Task User_then_pass_logs_in_and_pass_without_user_gets_503()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("PASS " + TestServer.Password, 503);
        await ftp.CommandAsync("USER " + TestServer.UserName, 331);
        await ftp.CommandAsync("PASS " + TestServer.Password, 230);
        await ftp.CommandAsync("PWD", 257);
    }

    [Fact]
    [VerbTest("USER")]
    public async Task User_without_a_name_gets_501()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER", 501);
    }

    [Fact]
    [VerbTest("USER", "PASS")]
    public async Task A_new_user_command_ends_the_previous_login()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("USER somebody", 331);
        await ftp.CommandAsync("PWD", 530);
        await ftp.CommandAsync("PASS wrong", 530);
        await ftp.CommandAsync("PWD", 530);
    }

    [Fact]
    [VerbTest("PASS")]
    public async Task Pass_after_login_is_superfluous()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.SendAsync("PASS again");
        var reply = await ftp.ReadReplyAsync();
        Assert.True(reply.Code is 202 or 503, $"expected 202 or 503, got: {reply}");
        await ftp.CommandAsync("NOOP", 200);
    }

    [Theory]
    [InlineData("PWD")]
    [InlineData("CWD /")]
    [InlineData("LIST")]
    [InlineData("RETR x")]
    [InlineData("STOR x")]
    [InlineData("MKD x")]
    [InlineData("PASV")]
    [InlineData("EPSV")]
    [InlineData("TYPE I")]
    [InlineData("SIZE x")]
    [InlineData("STAT")]
    public async Task Commands_before_login_get_530(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync(command, 530);
        await ftp.CommandAsync("USER " + TestServer.UserName, 331);
        await ftp.CommandAsync(command, 530);
    }

    [Fact]
    [VerbTest("ACCT")]
    public async Task Acct_after_login_is_superfluous()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("ACCT billing", 202);
        await ftp.CommandAsync("ACCT", 501);
    }

    /// <summary>RFC 959 §5.4 places ACCT after PASS; before any USER it is out of sequence (503), as the command table's note says.</summary>
    [Fact]
    [VerbTest("ACCT")]
    public async Task Acct_before_login_gets_503()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("ACCT billing", 503);
    }

    [Fact]
    [VerbTest("REIN")]
    public async Task Rein_logs_out_and_resets_the_session()
    {
        await using var server = await TestServer.StartAsync();
        Directory.CreateDirectory(server.PathOf("sub"));
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("CWD sub", 250);
        await ftp.CommandAsync("TYPE I", 200);
        await ftp.CommandAsync("REIN", 220);
        await ftp.CommandAsync("PWD", 530);
        await ftp.CommandAsync("LIST", 530);

        // HOST is accepted again, since the session is back at its start.
        await ftp.CommandAsync("HOST ftp.example.com", 220);
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
        var pwd = await ftp.CommandAsync("PWD", 257);
        Assert.StartsWith("\"/\"", pwd.Text, StringComparison.Ordinal);

        // RFC 959 §4.1.1: REIN resets the transfer parameters to their defaults (TYPE A).
        Assert.Contains((await ftp.CommandAsync("STAT", 211)).Lines, l => l.Contains("ASCII", StringComparison.Ordinal));
    }

    [Fact]
    [VerbTest("QUIT")]
    public async Task Quit_replies_221_and_closes_the_connection()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("QUIT", 221);
        Assert.True(await ftp.IsClosedByServerAsync());
    }

    [Fact]
    [VerbTest("QUIT")]
    public async Task Quit_before_login_replies_221()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("QUIT", 221);
        Assert.True(await ftp.IsClosedByServerAsync());
    }

    [Fact]
    [VerbTest("HOST")]
    public async Task Host_before_user_is_accepted_and_after_user_gets_503()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("HOST ftp.example.com", 220);
        await ftp.CommandAsync("USER " + TestServer.UserName, 331);
        await ftp.CommandAsync("HOST ftp.example.com", 503);
        await ftp.CommandAsync("PASS " + TestServer.Password, 230);
        await ftp.CommandAsync("HOST ftp.example.com", 503);
    }

    [Fact]
    [VerbTest("HOST")]
    public async Task Host_without_a_name_gets_501()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("HOST", 501);
    }

    [Fact]
    [VerbTest("REIN", "EPSV", "PASV", "OPTS")]
    public async Task Rein_forgets_epsv_all_and_the_mlst_fact_selection()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "file.txt", "x");
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("EPSV ALL", 200);
        await ftp.CommandAsync("OPTS MLST type;", 200);
        await ftp.CommandAsync("PASV", 503);
        await ftp.CommandAsync("REIN", 220);
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
        await ftp.CommandAsync("PASV", 227);
        var mlst = await ftp.CommandAsync("MLST file.txt", 250);
        Assert.Contains(mlst.Lines, l => l.StartsWith(' ') && l.Contains("size=1;", StringComparison.Ordinal));
    }
}
