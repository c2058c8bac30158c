using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Ferry.Configuration;
using Ferry.Hosting;
using Ferry.Operations;
using Ferry.Privileges;
using Ferry.Server;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Security.Tls;
using Microsoft.Extensions.Logging;

namespace Ferry.Commands;

/// <summary>`ferry serve`: runs the server in the foreground until SIGTERM or SIGINT.</summary>
internal static class ServeCommand
{
    private const string FirstUserName = "ferry";

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
            return ServeAsync(CommonOptions.Load(result, flags), cancellationToken);
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

    private static async Task<int> ServeAsync(FerrySettings settings, CancellationToken cancellationToken)
    {
        if (PrivilegeSetup.Check(settings, out var runAs) is { } refusal)
        {
            await Console.Error.WriteLineAsync("ferry: " + refusal);
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(settings.LogLevel)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                console.UseUtcTimestamp = true;
            }));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });

        // SIGHUP's default action ends the process (exit 129, sessions dropped, and systemd's
        // Restart=on-failure does not restart it). Until reload exists it is logged and ignored.
        var hangUpLogger = loggerFactory.CreateLogger("Ferry");
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            FerryLog.SighupIgnored(hangUpLogger);
        });

        TlsCertificateProvider certificates;
        try
        {
            certificates = TlsCertificateProvider.Create(
                settings.Server.CertificateFile, settings.Server.CertificateKeyFile, settings.Server.CertificatePassword, settings.DataDir);
        }
        catch (CryptographicException e)
        {
            await Console.Error.WriteLineAsync($"ferry: cannot load the TLS certificate: {e.Message}");
            return 1;
        }

        // The data folder must exist to be handed to RunAsUser; users.db is created after the bind.
        Directory.CreateDirectory(settings.DataDir);

        // SQLite's native library is loaded now, before the drop: users.db is opened only after the
        // bind, and a single-file publish unpacks the library where only the unpacking account
        // (root, when started as root) may read it (SingleFilePublishTests guards this).
        SQLitePCL.Batteries_V2.Init();

        // Started as root, this is where the process stops being root (the helper keeps it).
        PrivilegeSetup privileges;
        try
        {
            privileges = PrivilegeSetup.Apply(settings, runAs, loggerFactory.CreateLogger("Ferry"));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync("ferry: cannot separate privileges: " + e.Message);
            return 1;
        }

        using var privilegesScope = privileges;
        var users = new DeferredUserStore();
        await using var server = new FtpServer(settings.Server, users, loggerFactory, certificates: certificates,
            socketSource: privileges.SocketSource, systemAccounts: privileges.SystemAccounts);
        try
        {
            await server.StartAsync(stop.Token);
        }
        catch (SocketException e)
        {
            await Console.Error.WriteLineAsync($"ferry: cannot listen on {settings.Server.ListenAddress} port {settings.Server.Port}: {e.Message}");
            return 1;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync("ferry: " + e.Message);
            return 1;
        }

        // Operations (issue 14): metrics, /healthz, /readyz, OTLP. Its own small host until `ferry serve`
        // runs on the Generic Host, where it becomes services.AddFerryOperations(settings.Operations).
        // Started before users.db is opened: /readyz says "not ready" until the store answers.
        OperationsHost? operations;
        try
        {
            operations = await OperationsHost.StartAsync(settings.Operations, new FtpServerHealth(server, users, certificates), loggerFactory, stop.Token);
        }
        catch (OperationsStartException e)
        {
            await Console.Error.WriteLineAsync("ferry: " + e.Message);
            return 1;
        }

        await using var operationsScope = operations;

        // Only now, with every setting checked and the ports bound, is anything written for users:
        // a start that fails leaves no users.db and prints no password nobody can use.
        using var store = CommonOptions.OpenUsers(settings);
        users.Open(store);
        await CreateFirstUserAsync(store, settings);

        if (privileges.Activation is { Unclaimed.Count: > 0 } activation)
        {
            await Console.Error.WriteLineAsync($"ferry: warning: socket activation passed {string.Join(", ", activation.Unclaimed)}, which no Server:ListenAddress/Port asks for.");
        }

        Console.WriteLine($"TLS certificate: {certificates.Description}");
        if (server.ImplicitTlsEndPoint is { } implicitTls)
        {
            Console.WriteLine($"Implicit FTPS on {implicitTls}");
        }

        Console.WriteLine($"Ferry ready: listening on {server.LocalEndPoint}, data in {Path.GetFullPath(settings.DataDir)}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine("Ferry stopping.");
        if (operations is not null)
        {
            await operations.StopAsync();
        }

        await server.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>
    /// First start: with no users at all, create one with a random password and show it once,
    /// so the server is usable at once without ever allowing anonymous access. On a terminal it is
    /// printed; otherwise stdout is a log (systemd's journal, readable by the adm group, kept for
    /// weeks), so it goes to a file only this account may read, and the log names the file.
    /// </summary>
    private static async Task CreateFirstUserAsync(IUserStore users, FerrySettings settings)
    {
        if ((await users.ListAsync(CancellationToken.None)).Count > 0)
        {
            return;
        }

        var home = Path.GetFullPath(Path.Combine(settings.DataDir, "files"));
        Directory.CreateDirectory(home);
        // 20 characters of 56 (116 bits), or Server:MinPasswordLength when that asks for more.
        var password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", Math.Max(20, settings.Server.MinPasswordLength));
        await users.AddAsync(new FtpUser(FirstUserName, PasswordHasher.Hash(password), home, UserPermissions.All, Disabled: false), CancellationToken.None);
        var created = $"First start: created user '{FirstUserName}' with password '{password}' (home {home}).";
        const string Change = "Change it with: ferry user passwd " + FirstUserName;
        if (!Console.IsOutputRedirected)
        {
            Console.WriteLine(created);
            Console.WriteLine(Change);
            return;
        }

        var file = FirstLoginFile.Write(settings.DataDir, created + Environment.NewLine + Change + Environment.NewLine);
        Console.WriteLine($"First start: created user '{FirstUserName}' (home {home}); its password is in {file} (mode 0600). Read it, change it with `ferry user passwd {FirstUserName}`, then delete the file.");
    }
}
