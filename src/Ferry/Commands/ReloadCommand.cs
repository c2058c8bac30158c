using System.CommandLine;
using Ferry.Hosting;
using Ferry.Server.PrivilegeSeparation;

namespace Ferry.Commands;

/// <summary>
/// `ferry reload`: checks the configuration as `ferry serve` would read it, then sends SIGHUP to the
/// running server named by DataDir/ferry.pid. A configuration with mistakes is not sent: the
/// mistakes are printed (as at start) and the server keeps running on the old one.
/// </summary>
internal static class ReloadCommand
{
    private const int NoSuchProcess = 3;
    private const int NotPermitted = 1;

    public static Command Create()
    {
        var command = new Command("reload", "Check the configuration, then tell the running server to reload it (SIGHUP).");
        command.SetAction((result, _) => CommonOptions.RunAsync(async () =>
        {
            var settings = CommonOptions.Load(result);
            var pidFile = ProcessIdFile.PathIn(settings.DataDir);
            if (ProcessIdFile.Read(settings.DataDir) is not { } pid || !ProcessIdFile.IsFerryServer(pid))
            {
                await Console.Error.WriteLineAsync($"ferry: no running server found: {pidFile} is missing or names no `ferry serve` process (is --data-dir the server's?).");
                return 1;
            }

            switch (ProcessSignal.SendHangUp(pid))
            {
                case null:
                    Console.WriteLine($"Configuration checked; sent SIGHUP to ferry serve (pid {pid}). Its log says what was applied.");
                    return 0;
                case NotPermitted:
                    await Console.Error.WriteLineAsync($"ferry: not permitted to signal pid {pid}: run this as root or as the account the server runs as.");
                    return 1;
                case NoSuchProcess:
                    await Console.Error.WriteLineAsync($"ferry: pid {pid} from {pidFile} has ended; the server is not running.");
                    return 1;
                case var errno:
                    await Console.Error.WriteLineAsync($"ferry: sending SIGHUP to pid {pid} failed (errno {errno}).");
                    return 1;
            }
        }));
        return command;
    }
}
