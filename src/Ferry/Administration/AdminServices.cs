using System.Security.Cryptography;
using Ferry.Hosting;
using Ferry.Logging;
using Ferry.Server;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ferry.Administration;

/// <summary>
/// Everything the admin API reaches, and nothing more: the running server (its admin methods),
/// the user store, the reload, the settings in force, and the admins and tokens. As a hosted
/// service it starts after the FTP server (the process has dropped its privileges and opened
/// users.db by then): it opens the admin tables, creates the first admin at the first start, and
/// writes a fresh CLI token to DATADIR/admin-token.
/// </summary>
internal sealed class AdminServices(
    SettingsMonitor settings,
    FtpServerService ftp,
    ConfigurationReloader reloader,
    FerryLogging logs,
    ILoggerFactory loggerFactory,
    TimeProvider time) : IHostedService, IDisposable
{
    public const string FirstAdminName = "admin";
    public const string TokenFileName = "admin-token";
    public const string FirstAdminFileName = "first-admin-login.txt";

    private AdminStore? _store;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Ferry");

    public TimeProvider Time => time;

    public SettingsMonitor Settings => settings;

    public ConfigurationReloader Reloader => reloader;

    public AdminSessions Sessions { get; } = new(settings.CurrentValue.Admin.SessionLifetime, time);

    /// <summary>The running server; the API answers 503 before it has started.</summary>
    public FtpServer? Server => ftp.Server;

    public IUserStore? Users => ftp.Users;

    public AdminStore Store => _store ?? throw new InvalidOperationException("The admin store is not open yet.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var current = settings.CurrentValue;
        _store = new AdminStore(AdminStore.PathIn(current.DataDir));
        if ((await _store.ListAdminsAsync(cancellationToken)).Count == 0)
        {
            await CreateFirstAdminAsync(_store, current, cancellationToken);
        }

        // A fresh full-admin token for the local CLI at every start; the previous one stops working.
        var (secret, _) = await _store.CreateTokenAsync("cli", AdminRoles.Admin, "ferry serve", cli: true, time.GetUtcNow(), cancellationToken);
        FirstLoginFile.WriteOwnerOnly(Path.Combine(current.DataDir, TokenFileName), secret + "\n");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => Interlocked.Exchange(ref _store, null)?.Dispose();

    /// <summary>One audit record of a change made through the API.</summary>
    public void Audit(Microsoft.AspNetCore.Http.HttpContext context, string action, string target, string detail = "") =>
        FerryLog.AdminApiAction(Logger, AdminCaller.Of(context).Audit, action, target, detail, RemoteOf(context));

    /// <summary>The client's address as the log names it; the Unix socket has none.</summary>
    public static string RemoteOf(Microsoft.AspNetCore.Http.HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address ? AddressOf(address).ToString() : "the local socket";

    /// <summary>IPv4-mapped IPv6 as IPv4, as the FTP side shows and bans it.</summary>
    public static System.Net.IPAddress AddressOf(System.Net.IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>A generated password: 20 characters of 56 (116 bits), as the first FTP user's, or Server:MinPasswordLength when that asks for more.</summary>
    public static string GeneratePassword(int minimumLength) =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", Math.Max(20, minimumLength));

    /// <summary>
    /// As the first FTP user (FtpServerService): on a terminal the password is printed; otherwise
    /// stdout is a log, so it goes to DATADIR/first-admin-login.txt (0600), and the log names the file.
    /// </summary>
    private async Task CreateFirstAdminAsync(AdminStore store, Configuration.FerrySettings current, CancellationToken cancellationToken)
    {
        var password = GeneratePassword(current.Server.MinPasswordLength);
        await store.AddAdminAsync(new AdminAccount(FirstAdminName, PasswordHasher.Hash(password), AdminRoles.Admin, Disabled: false), cancellationToken);
        var created = $"First start: created admin '{FirstAdminName}' (admin API and page) with password '{password}'.";
        const string Change = "Change it with: ferry admin passwd " + FirstAdminName;
        if (!Console.IsOutputRedirected)
        {
            Console.WriteLine(created);
            Console.WriteLine(Change);
            return;
        }

        var file = FirstLoginFile.Write(current.DataDir, created + Environment.NewLine + Change + Environment.NewLine, FirstAdminFileName);
        logs.WriteStatus(Logger, $"First start: created admin '{FirstAdminName}' for the admin API and page; its password is in {file} (mode 0600). Read it, change it with `ferry admin passwd {FirstAdminName}`, then delete the file.");
    }
}
