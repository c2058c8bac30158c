using System.Globalization;
using System.Net.Sockets;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Ferry.Hosting;

/// <summary>
/// sd_notify(3) for `Type=notify` (and `Type=notify-reload`) units: READY=1 once the server
/// listens (this service starts after <see cref="FtpServerService"/>), STATUS= with the session
/// count, WATCHDOG=1 at half the unit's WatchdogSec, RELOADING=1/READY=1 around a reload, and
/// STOPPING=1 with EXTEND_TIMEOUT_USEC (the whole stop, drain included) first thing at a stop
/// (hosted services stop in reverse order). Without NOTIFY_SOCKET (not under systemd) it does
/// nothing. A notification that cannot be sent (the socket gone, or not writable for RunAsUser)
/// is a warning, never the end of the server: sd_notify(3) failures are for the daemon to ignore,
/// and one thrown from the watchdog timer would end the process.
/// </summary>
internal sealed class SystemdNotifications(FtpServerService ftp, SettingsMonitor settings, TimeProvider time, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    /// <summary>How often STATUS= is refreshed when no watchdog asks for more often.</summary>
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(10);

    private readonly SystemdNotifier _notifier = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger("Ferry");
    private ITimer? _timer;
    private int _failing;

    public bool Enabled => _notifier.IsEnabled;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return Task.CompletedTask;
        }

        Send("READY=1\n" + Status());
        var watchdog = WatchdogInterval();
        var interval = watchdog is { } half && half < StatusInterval ? half : StatusInterval;
        _timer = time.CreateTimer(_ => Send(watchdog is null ? Status() : "WATCHDOG=1\n" + Status()), null, interval, interval);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        if (Enabled)
        {
            // EXTEND_TIMEOUT_USEC: the drain (ShutdownDrainTimeout) may outlast the unit's
            // TimeoutStopSec; this asks systemd not to SIGKILL before the stop's own deadline
            // (it never shortens a longer TimeoutStopSec).
            var stop = (long)FerryHost.StopTimeout(settings.CurrentValue).TotalMicroseconds;
            Send(string.Create(CultureInfo.InvariantCulture,
                $"STOPPING=1\nEXTEND_TIMEOUT_USEC={stop}\nSTATUS=Stopping: waiting for running transfers, then closing every session"));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Before a reload: RELOADING=1 with MONOTONIC_USEC (CLOCK_MONOTONIC, which systemd 253's
    /// Type=notify-reload requires to match the reload to this message).
    /// </summary>
    public void Reloading()
    {
        if (Enabled)
        {
            // Stopwatch is CLOCK_MONOTONIC on Linux.
            var monotonicMicroseconds = (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000.0 / System.Diagnostics.Stopwatch.Frequency));
            Send($"RELOADING=1\nMONOTONIC_USEC={monotonicMicroseconds.ToString(CultureInfo.InvariantCulture)}\nSTATUS=Reloading the configuration");
        }
    }

    /// <summary>After a reload, applied or refused: the service is ready again.</summary>
    public void Reloaded(string outcome)
    {
        if (Enabled)
        {
            Send("READY=1\nSTATUS=" + outcome);
        }
    }

    public void Dispose() => _timer?.Dispose();

    private string Status() =>
        ftp.Server is { } server
            ? string.Create(CultureInfo.InvariantCulture, $"STATUS=Serving {server.ActiveSessions} session(s), {server.TransfersRunning} transfer(s) running")
            : "STATUS=Starting";

    private void Send(string message)
    {
        try
        {
            _notifier.Notify(new ServiceState(message));
            Volatile.Write(ref _failing, 0);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            // ArgumentException: a NOTIFY_SOCKET path longer than sockaddr_un allows.
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                FerryLog.SystemdNotifyFailed(_logger, Environment.GetEnvironmentVariable("NOTIFY_SOCKET") ?? "-", e.Message);
            }
        }
    }

    /// <summary>Half of WATCHDOG_USEC when the watchdog is meant for this process (WATCHDOG_PID unset or ours).</summary>
    private static TimeSpan? WatchdogInterval()
    {
        if (!long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds <= 0)
        {
            return null;
        }

        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(microseconds / 2);
    }
}
