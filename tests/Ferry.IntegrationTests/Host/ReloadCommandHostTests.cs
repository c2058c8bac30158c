using System.Diagnostics;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// `ferry reload` (issue 14): it checks the configuration as `ferry serve` would read it and only
/// then sends SIGHUP to the server named by DATA_DIR/ferry.pid; a configuration with mistakes is
/// printed and never sent; with no server running it says so.
/// </summary>
public sealed class ReloadCommandHostTests
{
    private const int ReloadRefused = 7202;
    private const int Reloaded = 7204;

    [Fact]
    public async Task Ferry_reload_refuses_an_invalid_config_without_signalling_and_signals_a_valid_one_which_then_applies()
    {
        await using var ferry = await ServeHarness.CreateAsync("reloadcmd");
        ferry.WriteConfig(new Dictionary<string, object?> { ["MaxSessionsPerUser"] = 1 });
        await ferry.StartAsync();
        await using var before = await ferry.LoginAsync();

        ferry.WriteConfig(new Dictionary<string, object?> { ["MaxSessionsPerUser"] = 2, ["MaxSessions"] = -5 });
        var invalid = await FerryProcess.RunAsync(null, "reload", "--config", ferry.ConfigFile);
        Assert.True(invalid.ExitCode == 2, $"exit {invalid.ExitCode}: {invalid.Output} {invalid.Errors}");
        var mistake = Assert.Single(invalid.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ferry: Server:MaxSessions", mistake, StringComparison.Ordinal);
        Assert.Contains("must be 0 (no limit) or more", mistake, StringComparison.Ordinal);
        Assert.DoesNotContain("SIGHUP", invalid.Output, StringComparison.Ordinal);

        // A signal is handled within milliseconds; a second later the server's log would show it.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(ferry.Events(ReloadRefused));
        Assert.Empty(ferry.Events(Reloaded));

        ferry.WriteConfig(new Dictionary<string, object?> { ["MaxSessionsPerUser"] = 2 });
        var valid = await FerryProcess.RunAsync(null, "reload", "--config", ferry.ConfigFile);
        Assert.True(valid.ExitCode == 0, $"exit {valid.ExitCode}: {valid.Output} {valid.Errors}");
        Assert.Contains($"Configuration checked; sent SIGHUP to ferry serve (pid {ferry.Server.Id})", valid.Output, StringComparison.Ordinal);
        await ferry.WaitForEventAsync(Reloaded);

        var (second, allowed) = await ferry.TryLoginAsync();
        await using (second)
        {
            Assert.True(allowed.Code == 230, "the reloaded MaxSessionsPerUser did not apply: " + allowed);
        }

        Assert.Single(ferry.Events(Reloaded));
        Assert.Empty(ferry.Events(ReloadRefused));
        Assert.Equal(0, await ferry.StopAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Ferry_reload_with_no_server_running_says_so_exits_1_and_signals_no_stranger_behind_a_stale_pid_file()
    {
        await using var ferry = await ServeHarness.CreateAsync("reloadcmd-none");
        ferry.WriteConfig();
        var pidFile = Path.Combine(ferry.DataDir, "ferry.pid");

        var never = await FerryProcess.RunAsync(null, "reload", "--config", ferry.ConfigFile);
        Assert.Equal(1, never.ExitCode);
        Assert.Contains($"ferry: no running server found: {pidFile} is missing or names no `ferry serve` process", never.Errors, StringComparison.Ordinal);

        // The pid file of a server that was killed, its pid since taken by another process: SIGHUP would end that one.
        using var stranger = Process.Start("sleep", "60");
        try
        {
            await File.WriteAllTextAsync(pidFile, stranger.Id + "\n");
            var stale = await FerryProcess.RunAsync(null, "reload", "--config", ferry.ConfigFile);
            Assert.Equal(1, stale.ExitCode);
            Assert.Contains("no running server found", stale.Errors, StringComparison.Ordinal);
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            Assert.False(stranger.HasExited, "ferry reload signalled a process that is not ferry serve");
        }
        finally
        {
            stranger.Kill();
            File.Delete(pidFile);
        }

        // A server writes the file while it runs and removes it at a clean stop.
        await ferry.StartAsync();
        Assert.Equal(ferry.Server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (await File.ReadAllTextAsync(pidFile)).Trim());
        Assert.Equal(0, await ferry.StopAsync(TimeSpan.FromSeconds(20)));
        Assert.False(File.Exists(pidFile), "ferry.pid outlived a clean stop");
        var stopped = await FerryProcess.RunAsync(null, "reload", "--config", ferry.ConfigFile);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("no running server found", stopped.Errors, StringComparison.Ordinal);
    }
}
