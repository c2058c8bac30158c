using System.CommandLine;
using System.Runtime.InteropServices;
using Ferry.Configuration;
using Ferry.Hosting;
using Ferry.Logging;
using Ferry.Privileges;
using Microsoft.Extensions.Hosting;

namespace Ferry.Commands;

/// <summary>
/// `ferry serve`: parses the flags and runs the host (<see cref="FerryHost"/>) in the foreground
/// until SIGTERM or SIGINT; SIGHUP reloads the configuration.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var listen = new Option<string?>("--listen") { Description = "Address to listen on (default :: for IPv6 and IPv4)." };
        var port = new Option<int?>("--port", "-p") { Description = "Control port (default 2121).", CustomParser = result => PortParser.Parse(result, "--port") };
        var passivePorts = new Option<string?>("--passive-ports") { Description = "Passive port range MIN-MAX (default 61000-61999)." };
        var passiveAddress = new Option<string?>("--passive-address") { Description = "IPv4 address to announce in PASV replies (for NAT)." };
        var logLevel = new Option<string?>("--log-level") { Description = "Trace, Debug, Information, Warning or Error." };
        var command = new Command("serve", "Run the FTP server in the foreground.") { listen, port, passivePorts, passiveAddress, logLevel };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(() =>
        {
            // First, before anything is read or printed: the runtime's diagnostics socket off (see there).
            DiagnosticPortLockdown.Apply();
            var flags = new Dictionary<string, string?>();
            Put(flags, "Server:ListenAddress", result.GetValue(listen));
            Put(flags, "Server:Port", result.GetValue(port)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Put(flags, "Server:PassivePorts", result.GetValue(passivePorts));
            Put(flags, "Server:PassiveAddress", result.GetValue(passiveAddress));
            Put(flags, "LogLevel", result.GetValue(logLevel));
            var settings = CommonOptions.Load(result, flags); // also puts --data-dir into flags, for reloads
            return ServeAsync(settings, result.GetValue(CommonOptions.Config), flags, cancellationToken);
        }));
        return command;
    }

    private static void Put(Dictionary<string, string?> flags, string key, string? value)
    {
        if (value is not null)
        {
            flags[key] = value;
        }
    }

    private static async Task<int> ServeAsync(FerrySettings initial, string? configFile, IReadOnlyDictionary<string, string?> flags, CancellationToken cancellationToken)
    {
        // SIGHUP's default action ends the process. The reloader handles it once the server runs;
        // until then (start-up: a logrotate or a `systemctl reload` racing a restart) it is ignored.
        using var hangUpDuringStart = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => context.Cancel = true);
        if (PrivilegeSetup.Check(initial, out _) is { } refusal)
        {
            await Console.Error.WriteLineAsync("ferry: " + refusal);
            return 2;
        }

        // Logs (Logging:Format, Logging:File, Logging:XferLog; see FerryLogging): the files are
        // opened here, before the privilege drop, and flushed last, after the server has stopped.
        await using var logs = FerryLogging.Open(initial);
        using var host = FerryHost.Build(new SettingsMonitor(initial, configFile, flags), logs);
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (StartupFailedException e)
        {
            await Console.Error.WriteLineAsync("ferry: " + e.Message);
            return e.ExitCode;
        }

        await host.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }
}
