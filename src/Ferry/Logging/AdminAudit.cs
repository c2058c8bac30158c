using Ferry.Configuration;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Logging;

/// <summary>
/// The audit record of an admin action (`ferry user add`, `passwd`, `set`, `del`, `enable`,
/// `disable`, `import`): event 7120 at the default level, naming the operating-system account that
/// ran the command (and the one behind sudo), written in the configured format to stderr (stdout
/// stays the command's own output, which scripts read) and appended to Logging:File when that
/// file exists, so the server's log holds who changed which account and when.
/// </summary>
internal sealed class AdminAudit : IAsyncDisposable
{
    private readonly FerryLogging _logs;
    private readonly ILoggerFactory _factory;
    private readonly ILogger _logger;

    private AdminAudit(FerryLogging logs)
    {
        _logs = logs;
        _factory = LoggerFactory.Create(builder => logs.Configure(builder, standardError: true));
        _logger = _factory.CreateLogger("Ferry.Admin");
    }

    /// <summary>Who ran the command: the account, and the sudo caller behind root when there is one.</summary>
    public static string Actor
    {
        get
        {
            var account = Environment.UserName;
            return Environment.GetEnvironmentVariable("SUDO_USER") is { Length: > 0 } caller && caller != account
                ? $"{account} (sudo by {caller})"
                : account;
        }
    }

    public static AdminAudit Open(FerrySettings settings)
    {
        try
        {
            return new AdminAudit(FerryLogging.Open(settings, forCommand: true));
        }
        catch (IOException e)
        {
            // The change is made already: it is reported, not undone.
            Console.Error.WriteLine($"ferry: warning: this admin action is not in the log file: {e.Message}");
            var consoleOnly = new FerrySettings { LogLevel = settings.LogLevel, Logging = new LoggingSettings { Format = settings.Logging.Format } };
            return new AdminAudit(FerryLogging.Open(consoleOnly, forCommand: true));
        }
    }

    /// <summary>Records one action right away (one command, one change).</summary>
    public static async Task RecordAsync(FerrySettings settings, string action, string user, string detail = "")
    {
        await using var audit = Open(settings);
        audit.Record(action, user, detail);
    }

    /// <param name="action">What was done, in words ("added", "deleted", "changed the password of").</param>
    /// <param name="user">The account changed.</param>
    /// <param name="detail">What it is now, e.g. " (home /srv/ftp/alice, permissions all)"; empty for nothing more.</param>
    public void Record(string action, string user, string detail = "") => FerryLog.AdminAction(_logger, Actor, action, user, detail);

    public async ValueTask DisposeAsync()
    {
        // The console logger writes its queue out when its factory is disposed; then the file.
        _factory.Dispose();
        await _logs.DisposeAsync();
    }
}
