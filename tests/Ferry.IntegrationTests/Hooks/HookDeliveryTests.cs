using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ferry.IntegrationTests.Host;

namespace Ferry.IntegrationTests.Hooks;

/// <summary>
/// Delivery off the session's path: a receiver that never answers costs FTP nothing (measured
/// against a server without hooks), and once the hook's queue is full further events are dropped,
/// counted on /metrics and warned about once; the login, failed-login and ban events; the user
/// and path filters.
/// </summary>
public sealed partial class HookDeliveryTests
{
    private const int Files = 40;

    [Fact]
    public async Task A_receiver_that_never_answers_does_not_slow_uploads_and_a_full_queue_drops_and_counts()
    {
        var hanging = WebhookReceiver.Hanging();
        try
        {
            await using var plain = await HookServer.StartAsync("hook-baseline", []);
            await using var hooked = await HookServer.StartAsync("hook-hanging", [new JsonObject
            {
                ["Name"] = "stuck",
                ["Events"] = new JsonArray("upload"),
                ["Url"] = hanging.Url,
                ["Timeout"] = "00:01:00",
                ["Retries"] = 0,
            }], hookSettings: new JsonObject { ["QueueCapacity"] = 5 }, metrics: true);

            // Two runs each, interleaved, the faster of each kept: a busy machine slows both alike.
            var baseline = TimeSpan.MaxValue;
            var withHook = TimeSpan.MaxValue;
            for (var run = 0; run < 2; run++)
            {
                baseline = Min(baseline, await UploadBatchAsync(plain, run));
                withHook = Min(withHook, await UploadBatchAsync(hooked, run));
            }

            Assert.True(withHook < baseline * 1.5 + TimeSpan.FromSeconds(1),
                $"{Files} uploads took {withHook.TotalSeconds:0.000} s with a hook whose receiver never answers, {baseline.TotalSeconds:0.000} s without hooks");

            // The worker holds the first event (its POST hangs), the queue the next five; every other was dropped.
            var expectedDrops = (2 * Files) - 1 - 5;
            Assert.Single(await hanging.WaitForAsync(_ => true));
            Assert.Equal(expectedDrops, await DroppedAsync(hooked, expectedDrops));
            var warning = Assert.Single(hooked.Harness.Events(7401));
            Assert.Contains("Hook stuck: its queue is full (5 events waiting", warning, StringComparison.Ordinal);
            Assert.Single(hanging.Requests);
        }
        finally
        {
            // First, so the server's stuck POST ends at once.
            await hanging.DisposeAsync();
        }
    }

    [Fact]
    public async Task Failed_logins_and_the_ban_they_cause_reach_the_receiver()
    {
        await using var receiver = WebhookReceiver.Accepting();
        await using var ferry = await HookServer.StartAsync("hook-ban", [new JsonObject
        {
            ["Events"] = new JsonArray("login", "login-failed", "ban"),
            ["Url"] = receiver.Url,
        }], server: new JsonObject { ["FailedLoginDelay"] = "00:00:00", ["BanFailedLogins"] = 2, ["BanAllowList"] = new JsonArray() });

        (await HookServer.CurlAsync(ServeHarness.UserName, ServeHarness.Password, ferry.FtpUrl)).AssertSuccess();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            Assert.NotEqual(0, (await HookServer.CurlAsync("mallory", "guess" + attempt, ferry.FtpUrl)).ExitCode);
        }

        var login = await receiver.WaitForEventAsync("login");
        Assert.Equal(("bob", "127.0.0.1", "false"), (login.Field("user"), login.Field("remoteAddress"), login.Field("anonymous")));
        var failures = await receiver.WaitForAsync(request => request.Event == "login-failed", count: 2);
        Assert.All(failures, failure => Assert.Equal(("mallory", "127.0.0.1"), (failure.Field("user"), failure.Field("remoteAddress"))));

        var ban = await receiver.WaitForEventAsync("ban");
        Assert.Equal("127.0.0.1/32", ban.Field("network"));
        Assert.Equal("false", ban.Field("manual"));
        Assert.False(string.IsNullOrEmpty(ban.Field("reason")));
        Assert.True(DateTimeOffset.Parse(ban.Field("until")!, CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(30));
        Assert.Null(ban.Field("user"));
    }

    [Fact]
    public async Task The_user_and_path_filters_let_through_only_matching_events()
    {
        await using var receiver = WebhookReceiver.Accepting();
        await using var ferry = await HookServer.StartAsync("hook-filter", [new JsonObject
        {
            ["Events"] = new JsonArray("upload"),
            ["Users"] = new JsonArray("alice"),
            ["Paths"] = new JsonArray("/incoming/**/*.csv"),
            ["Url"] = receiver.Url,
        }]);
        await ferry.Harness.AddUserAsync("alice", "alice's long password");
        var file = Path.Combine(ferry.Folder, "rows.csv");
        await File.WriteAllTextAsync(file, "a,b\n");

        // In order: events that do not match first. With one worker a hook gets its events in the
        // order they happened, so once the matching ones are in, a wrongly matched one would be too.
        (await ferry.UploadAsync(file, "/incoming/x/bob.csv", "--ftp-create-dirs")).AssertSuccess(); // another user
        foreach (var path in new[] { "/incoming/x/rows.txt", "/rows.csv", "/incoming.csv", "/incoming/rows.csv", "/incoming/x/y/rows.csv" })
        {
            (await HookServer.CurlAsync("alice", "alice's long password", "-T", file, "--ftp-create-dirs", ferry.FtpUrl + path.TrimStart('/'))).AssertSuccess();
        }

        var matched = await receiver.WaitForAsync(_ => true, count: 2);
        Assert.Equal(["/incoming/rows.csv", "/incoming/x/y/rows.csv"], matched.Select(request => request.Field("path")));
        Assert.All(matched, request => Assert.Equal("alice", request.Field("user")));
        Assert.Equal(2, receiver.Requests.Count);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>One ftplib session uploading <see cref="Files"/> files of 64 KiB; the time python measured for the uploads.</summary>
    private static async Task<TimeSpan> UploadBatchAsync(HookServer server, int run)
    {
        var result = (await server.FtplibAsync($$"""
            data = b"x" * 65536
            start = time.monotonic()
            for i in range({{Files}}):
                ftp.storbinary("STOR run{{run}}-%d.bin" % i, io.BytesIO(data))
            print("elapsed", time.monotonic() - start)
            """)).AssertSuccess();
        var seconds = double.Parse(ElapsedLine().Match(result.StdOut).Groups[1].Value, CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>ferry_hooks_dropped_total of hook "stuck" on /metrics, once it reaches <paramref name="expected"/> (or after 10 s).</summary>
    private static async Task<long> DroppedAsync(HookServer server, long expected)
    {
        long value = -1;
        for (var attempt = 0; attempt < 50 && value < expected; attempt++)
        {
            var match = DroppedLine().Match(await server.MetricsAsync());
            value = match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
            if (value < expected)
            {
                await Task.Delay(200);
            }
        }

        return value;
    }

    [GeneratedRegex(@"elapsed ([0-9.]+)")]
    private static partial Regex ElapsedLine();

    [GeneratedRegex(@"^ferry_hooks_dropped_total\{[^}]*ferry_hook=""stuck""[^}]*\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex DroppedLine();
}
