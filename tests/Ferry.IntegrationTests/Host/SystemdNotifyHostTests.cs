using System.Diagnostics;
using System.Globalization;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// `Type=notify` (sd_notify(3), issue 14 "systemd"): the test is systemd's end of NOTIFY_SOCKET.
/// READY=1 comes only once the port takes connections, WATCHDOG=1 at half of WATCHDOG_USEC (and
/// only when the watchdog is this process's), RELOADING=1 with MONOTONIC_USEC then READY=1 around
/// a SIGHUP, STOPPING=1 at SIGTERM; and a notify socket that is not there stops nothing.
/// </summary>
public sealed class SystemdNotifyHostTests
{
    private static readonly IReadOnlyDictionary<string, object?> NoSettings = new Dictionary<string, object?>();

    [Fact]
    public async Task Notify_socket_gets_ready_once_listening_then_watchdog_then_reloading_and_ready_around_each_sighup_then_stopping()
    {
        await using var ferry = await ServeHarness.CreateAsync("notify");
        ferry.WriteConfig(NoSettings);
        using var systemd = NotifySocket.Bind(ferry.Folder);
        var start = ferry.StartAsync(new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = systemd.Path, ["WATCHDOG_USEC"] = "1000000" });

        var (ready, readyAt) = await systemd.WaitForAsync(message => message.Has("READY", "1"));
        // Connecting as soon as READY=1 is read: systemd starts the units ordered after this one now.
        Assert.True(await ServeHarness.AcceptsConnectionsAsync(ferry.Port), "READY=1 came before the port took connections");
        Assert.Equal(0, readyAt);
        Assert.StartsWith("Serving 0 session(s)", ready.Variables["STATUS"], StringComparison.Ordinal);
        await start;
        await using (var session = await ferry.LoginAsync())
        {
            // WatchdogSec=1s: pinged every half second, each ping with the status.
            var (third, _) = await systemd.WaitForAsync(message => message.Has("WATCHDOG", "1"), count: 3, timeout: TimeSpan.FromSeconds(10));
            Assert.True(third.ReceivedAt - ready.ReceivedAt < TimeSpan.FromSeconds(3), "three watchdog pings took longer than the 1 s watchdog allows: " + string.Join(" | ", systemd.Messages));
            var (withSession, _) = await systemd.WaitForAsync(message => message.Has("WATCHDOG", "1") && message.Text.Contains("STATUS=Serving 1 session(s)", StringComparison.Ordinal));
            Assert.NotNull(withSession);
        }

        var before = MonotonicMicroseconds();
        ferry.Server.SendSignal("HUP");
        var (reloading, reloadingAt) = await systemd.WaitForAsync(message => message.Has("RELOADING", "1"));
        var after = MonotonicMicroseconds();
        var monotonic = long.Parse(reloading.Variables["MONOTONIC_USEC"], CultureInfo.InvariantCulture);
        Assert.InRange(monotonic, before, after);
        var (readyAgain, _) = await systemd.WaitForAsync(message => message.Has("READY", "1"), from: reloadingAt + 1);
        Assert.StartsWith("Configuration reloaded", readyAgain.Variables["STATUS"], StringComparison.Ordinal);

        // A refused reload ends with READY=1 too (Type=notify-reload waits for it), its status saying so.
        ferry.WriteConfigText("{ not json");
        var refusedFrom = systemd.Messages.Count;
        ferry.Server.SendSignal("HUP");
        var (_, refusedReloadingAt) = await systemd.WaitForAsync(message => message.Has("RELOADING", "1"), from: refusedFrom);
        var (readyAfterRefusal, _) = await systemd.WaitForAsync(message => message.Has("READY", "1"), from: refusedReloadingAt + 1);
        Assert.StartsWith("Reload refused", readyAfterRefusal.Variables["STATUS"], StringComparison.Ordinal);

        var stopSent = systemd.Messages.Count;
        Assert.Equal(0, await ferry.StopAsync(TimeSpan.FromSeconds(20)));
        var (stopping, _) = await systemd.WaitForAsync(message => message.Has("STOPPING", "1"), from: stopSent);
        // The unit's TimeoutStopSec may be shorter than the drain: extended to the stop's own deadline (30 s drain + 7 s + 5 s).
        Assert.Equal("42000000", stopping.Variables["EXTEND_TIMEOUT_USEC"]);
        Assert.DoesNotContain(systemd.Messages, message => message.Has("READY", "1") && message.ReceivedAt > stopping.ReceivedAt);
    }

    [Fact]
    public async Task A_watchdog_meant_for_another_process_is_not_fed()
    {
        await using var ferry = await ServeHarness.CreateAsync("notify-pid");
        ferry.WriteConfig(NoSettings);
        using var systemd = NotifySocket.Bind(ferry.Folder);
        // WATCHDOG_PID names the process systemd watches; a child that inherited the variables must not ping for it.
        await ferry.StartAsync(new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = systemd.Path, ["WATCHDOG_USEC"] = "200000", ["WATCHDOG_PID"] = "1" });
        var (ready, _) = await systemd.WaitForAsync(message => message.Has("READY", "1"));

        // Ten of its would-be intervals (100 ms).
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(systemd.Messages, message => message.Variables.ContainsKey("WATCHDOG"));
        Assert.NotNull(ready);
        Assert.Equal(0, await ferry.StopAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_notify_socket_that_is_not_there_is_logged_and_the_server_serves_reloads_and_stops_all_the_same()
    {
        await using var ferry = await ServeHarness.CreateAsync("notify-gone");
        ferry.WriteConfig(NoSettings);
        var missing = Path.Combine(ferry.Folder, "no-such-notify.sock");
        await ferry.StartAsync(new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = missing, ["WATCHDOG_USEC"] = "200000" });
        await using (var session = await ferry.LoginAsync())
        {
            await session.CommandAsync("NOOP", 200);
        }

        // Watchdog pings fail too (every 100 ms): one warning, not one per ping, and the process stays.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var warning = Assert.Single(ferry.Events(7250));
        Assert.Contains(missing, warning, StringComparison.Ordinal);
        ferry.Server.SendSignal("HUP");
        await ferry.WaitForEventAsync(7204);
        Assert.False(ferry.ServerExited, ferry.Server.Errors);
        Assert.Equal(0, await ferry.StopAsync(TimeSpan.FromSeconds(20)));
        Assert.Single(ferry.Events(7250));
    }

    /// <summary>CLOCK_MONOTONIC in microseconds, the clock MONOTONIC_USEC is read from (Stopwatch is CLOCK_MONOTONIC on Linux).</summary>
    private static long MonotonicMicroseconds() => (long)(Stopwatch.GetTimestamp() * (1_000_000.0 / Stopwatch.Frequency));
}
