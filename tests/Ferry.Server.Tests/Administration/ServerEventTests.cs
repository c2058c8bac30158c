using System.Net.Sockets;
using System.Security.Cryptography;
using Ferry.Server.Diagnostics;
using Ferry.Server.Tests.Diagnostics;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Administration;

/// <summary>
/// The records event hooks are made from: logins (good and bad), a session's end and why, and a
/// committed upload's SHA-256 when a sink asks for it, however small the file.
/// </summary>
public sealed class ServerEventTests
{
    private static async Task<T> EventuallyAsync<T>(Func<T?> find)
        where T : struct
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (find() is { } found)
            {
                return found;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task Logins_and_the_end_of_a_session_are_reported_with_user_and_reason()
    {
        var events = new RecordingEventSink();
        await using var server = await TestServer.StartAsync([events]);
        long id;
        await using (var ftp = await server.ConnectAsync(login: false))
        {
            await ftp.CommandAsync("USER alice", 331);
            await ftp.CommandAsync("PASS wrong", 530);
            await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
            id = server.Server.ListSessions().Single().Id;
            await server.Server.DisconnectAsync(id);
        }

        Assert.Collection(
            events.Logins,
            failed => Assert.False(failed.Succeeded),
            succeeded =>
            {
                Assert.True(succeeded.Succeeded);
                Assert.Equal(TestServer.UserName, succeeded.User);
                Assert.Equal(id, succeeded.SessionId);
            });
        var ended = await EventuallyAsync<SessionRecord>(() => events.Sessions.Count > 0 ? events.Sessions[0] : null);
        Assert.Equal(SessionEnd.Kicked, ended.End);
        Assert.Equal(TestServer.UserName, ended.User);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_small_upload_carries_its_SHA256_only_when_a_sink_wants_it(bool wanted)
    {
        var events = new RecordingEventSink { WantsUploadChecksums = wanted };
        await using var server = await TestServer.StartAsync([events]);
        await using var ftp = await server.ConnectAsync();
        await ftp.CommandAsync("TYPE I", 200);
        var content = RandomNumberGenerator.GetBytes(3000);
        using (var data = await ftp.OpenPassiveAsync())
        {
            await ftp.CommandAsync("STOR small.bin", 150);
            await data.SendAsync(content, SocketFlags.None);
            data.Shutdown(SocketShutdown.Send);
        }

        await ftp.ExpectAsync(226);
        await ftp.CommandAsync("NOOP", 200);
        var upload = await EventuallyAsync<TransferRecord>(() => events.Transfers.Count > 0 ? events.Transfers[0] : null);
        Assert.True(upload.Completed);
        Assert.Equal(3000, upload.Bytes);
        Assert.Equal(wanted ? Convert.ToHexStringLower(SHA256.HashData(content)) : null, upload.Sha256);
    }
}
