using System.Collections.Concurrent;
using System.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Diagnostics;

/// <summary>
/// The "Ferry" activity source: one activity per login and per transfer, carrying the user, the
/// path, the bytes and the result, once a listener asks for them (the host adds one only with
/// Operations:Traces). Servers of other tests trace at the same time, so each test logs in as a
/// user of its own and picks its activities by that name.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Ferry",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task A_login_and_each_transfer_are_activities_with_user_path_bytes_and_result()
    {
        await using var server = await TestServer.StartAsync();
        var user = "tracer" + Guid.NewGuid().ToString("N")[..8];
        await server.AddUserAsync(user, "a long password here", UserPermissions.All);
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("USER " + user, 331);
        await ftp.CommandAsync("PASS not this one", 530);
        await ftp.LoginAsync(user, "a long password here");
        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR traced.bin", new byte[12_345]);
        await DataHelpers.TryDownloadAsync(ftp, "RETR missing.bin");
        await ftp.CommandAsync("QUIT", 221);

        var mine = await WaitForAsync(user, 3);
        var logins = mine.Where(a => a.OperationName == "ferry.login").ToList();
        Assert.Equal(["failed", "ok"], logins.Select(a => (string?)a.GetTagItem("ferry.login.result")).Order(StringComparer.Ordinal));
        Assert.Equal(ActivityStatusCode.Error, logins.Single(a => (string?)a.GetTagItem("ferry.login.result") == "failed").Status);
        Assert.All(logins, a => Assert.Equal("127.0.0.1", a.GetTagItem("client.address")));

        var upload = Assert.Single(mine, a => a.OperationName == "ferry.transfer");
        Assert.Equal("/traced.bin", upload.GetTagItem("file.path"));
        Assert.Equal("STOR", upload.GetTagItem("ferry.transfer.verb"));
        Assert.Equal("upload", upload.GetTagItem("ferry.transfer.direction"));
        Assert.Equal(12_345L, upload.GetTagItem("ferry.transfer.bytes"));
        Assert.Equal("ok", upload.GetTagItem("ferry.transfer.result"));
        Assert.Equal(ActivityStatusCode.Unset, upload.Status);
        Assert.True(upload.Duration > TimeSpan.Zero);
    }

    public void Dispose() => _listener.Dispose();

    private async Task<List<Activity>> WaitForAsync(string user, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<Activity> mine;
        while ((mine = [.. _stopped.Where(a => (string?)a.GetTagItem("user.name") == user)]).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return mine;
    }
}
