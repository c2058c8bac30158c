using System.Net.Sockets;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Administration;

/// <summary>
/// What the admin API's sessions list and kick stand on: <see cref="FtpServer.ListSessions"/>
/// shows who is connected and what moves (bytes growing), and <see cref="FtpServer.DisconnectAsync"/>
/// ends a session the way a server stop does: 426 for the running transfer, then 421.
/// </summary>
public sealed class SessionAdministrationTests
{
    private static async Task<Ferry.Server.Administration.SessionSnapshot> WaitForAsync(FtpServer server, Func<Ferry.Server.Administration.SessionSnapshot, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (server.ListSessions().FirstOrDefault(condition) is { } found)
            {
                return found;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task A_session_is_listed_with_its_user_and_last_command_and_a_running_upload_with_growing_bytes()
    {
        await using var server = await TestServer.StartAsync();
        await using var waiting = await server.ConnectAsync(login: false);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);

        var before = await WaitForAsync(server.Server, session => session.User == TestServer.UserName);
        Assert.Equal("TYPE", before.CurrentCommand);
        Assert.NotNull(before.LoggedInAt);
        Assert.False(before.Tls);
        Assert.Null(before.Transfer);
        Assert.Contains(server.Server.ListSessions(), session => session.User is null && session.LoggedInAt is null);

        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR growing.bin", 150);
        await data.SendAsync(new byte[1000], SocketFlags.None);
        var first = await WaitForAsync(server.Server, session => session.Transfer is { Bytes: >= 1000 });
        Assert.Equal("STOR", first.Transfer!.Verb);
        Assert.Equal("upload", first.Transfer.Direction);
        Assert.Equal("/growing.bin", first.Transfer.Path);

        await data.SendAsync(new byte[5000], SocketFlags.None);
        var later = await WaitForAsync(server.Server, session => session.Transfer is { Bytes: >= 6000 });
        Assert.Equal(first.Id, later.Id);
        Assert.True(later.Transfer!.BytesPerSecond > 0);

        data.Shutdown(SocketShutdown.Send);
        data.Dispose();
        await ftp.ExpectAsync(226);
        Assert.Null((await WaitForAsync(server.Server, session => session.Id == first.Id && session.Transfer is null)).Transfer);
    }

    [Fact]
    public async Task Disconnecting_a_session_mid_upload_aborts_the_transfer_with_426_then_says_421_and_leaves_no_file()
    {
        await using var server = await TestServer.StartAsync();
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("STOR kicked.bin", 150);
        await data.SendAsync(new byte[4096], SocketFlags.None);
        var session = await WaitForAsync(server.Server, s => s.Transfer is { Bytes: > 0 });

        Assert.True(await server.Server.DisconnectAsync(session.Id));

        await ftp.ExpectAsync(426);
        var goodbye = await ftp.ExpectAsync(421);
        Assert.Contains("administrator", goodbye.Text, StringComparison.Ordinal);
        Assert.True(await ftp.IsClosedByServerAsync());
        Assert.False(File.Exists(server.PathOf("kicked.bin")));
        Assert.False(await server.Server.DisconnectAsync(session.Id + 1000));
    }

    [Fact]
    public async Task Disconnecting_a_user_ends_every_session_of_that_user_and_no_other()
    {
        await using var server = await TestServer.StartAsync();
        await server.AddUserAsync("bob", "bob's password", Ferry.Server.Security.UserPermissions.All);
        await using var alice1 = await server.ConnectAsync();
        await using var alice2 = await server.ConnectAsync();
        await using var bob = await server.ConnectAsync(login: false);
        await bob.LoginAsync("bob", "bob's password");
        await WaitForAsync(server.Server, s => s.User == "bob");

        Assert.Equal(2, await server.Server.DisconnectUserAsync(TestServer.UserName));

        await alice1.ExpectAsync(421);
        await alice2.ExpectAsync(421);
        await bob.CommandAsync("NOOP", 200);
        Assert.Equal(0, await server.Server.DisconnectUserAsync("nobody"));
    }
}
