using System.Runtime.InteropServices;
using Ferry.Configuration;
using Ferry.Logging;
using Ferry.Server.Diagnostics;
using Ferry.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ferry.Hosting;

/// <summary>
/// SIGHUP (`systemctl reload`, `ferry reload`, `kill -HUP`): the configuration file, FERRY_*
/// variables and the certificate are read again. Valid, the new settings apply to every session
/// that starts from now on (limits, timeouts, permissions, bans allow-list, TLS requirements,
/// rate limits, the log level), while running sessions and transfers go on with theirs; a
/// setting that needs a restart keeps its running value and the log says so. Invalid, nothing
/// changes and one line says why. The user store needs nothing: every login reads it. SIGHUP
/// never ends the process (its default action would, dropping every session).
/// </summary>
internal sealed class ConfigurationReloader(
    SettingsMonitor settings,
    FtpServerService ftp,
    SystemdNotifications systemd,
    FerryLogging logs,
    ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Ferry");
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private PosixSignalRegistration? _hangUp;
    private volatile bool _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            if (_stopping)
            {
                FerryLog.ReloadIgnoredWhileStopping(_logger);
                return;
            }

            _ = Task.Run(ReloadAsync, CancellationToken.None);
        });
        return Task.CompletedTask;
    }

    /// <summary>
    /// The stop begins (this service stops first): no more reloads, but SIGHUP stays handled until
    /// the host is disposed, after the server's stop. Unregistered now, SIGHUP's default action
    /// would end the process in the middle of the drain, cutting the transfers it waits for
    /// (GracefulStopHostTests: a SIGHUP during the drain).
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _hangUp?.Dispose();
        _oneAtATime.Dispose();
    }

    /// <summary>One reload; a SIGHUP that arrives meanwhile waits for it, then reads the files again.</summary>
    public Task ReloadAsync() => ReloadWithOutcomeAsync();

    /// <summary>One reload (as <see cref="ReloadAsync"/>), and what it did: for the admin API's POST /api/reload.</summary>
    public async Task<ReloadOutcome> ReloadWithOutcomeAsync()
    {
        await _oneAtATime.WaitAsync();
        try
        {
            systemd.Reloading();

            // logrotate's postrotate may send SIGHUP too (copytruncate needs none): the log
            // files are opened again at their paths, whatever becomes of the settings.
            logs.Reopen();
            var outcome = Reload();
            systemd.Reloaded(outcome.Status);
            return outcome;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private static void DiscardStorage(StorageRouter.PreparedStorage? storage)
    {
        if (storage is not null)
        {
            StorageRouter.Discard(storage);
        }
    }

    private ReloadOutcome Reload()
    {
        if (ftp.Server is not { } server)
        {
            FerryLog.ReloadRefused(_logger, "the server is not running yet");
            return ReloadOutcome.Refused("the server is not running yet", "Reload refused: not started");
        }

        var running = settings.CurrentValue;
        FerrySettings next;
        try
        {
            next = settings.Read();
        }
        catch (SettingsException e)
        {
            FerryLog.ReloadRefused(_logger, e.Message.ReplaceLineEndings("; "));
            return ReloadOutcome.Refused(e.Message.ReplaceLineEndings("; "), "Reload refused: configuration invalid, the previous one stays in force");
        }

        // The storage first: a profile whose client cannot be built refuses the whole reload, before
        // the engine has taken any of it.
        StorageRouter.PreparedStorage? storage = null;
        if (ftp.Storage is { } router)
        {
            try
            {
                storage = router.Prepare(next.Storage);
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidOperationException or Amazon.Runtime.AmazonClientException)
            {
                FerryLog.ReloadRefused(_logger, "Storage:S3: " + e.Message);
                return ReloadOutcome.Refused("Storage:S3: " + e.Message, "Reload refused: an S3 profile could not be set up, the previous settings stay in force");
            }
        }

        IReadOnlyList<string> kept;
        try
        {
            kept = server.Reconfigure(next.Server, running.DataDir);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            DiscardStorage(storage);
            FerryLog.ReloadRefused(_logger, "Server:CertificateFile: " + e.Message);
            return ReloadOutcome.Refused("Server:CertificateFile: " + e.Message, "Reload refused: the certificate did not load, the previous one stays in force");
        }
        catch (ArgumentException e)
        {
            // The engine's own check of the settings (the loader has made the same ones already).
            DiscardStorage(storage);
            FerryLog.ReloadRefused(_logger, e.Message.ReplaceLineEndings("; "));
            return ReloadOutcome.Refused(e.Message.ReplaceLineEndings("; "), "Reload refused: configuration invalid, the previous one stays in force");
        }

        // The host's own settings that only a restart can change.
        var hostKept = new List<string>();
        if (next.DataDir != running.DataDir)
        {
            hostKept.Add(nameof(FerrySettings.DataDir));
            next.DataDir = running.DataDir;
        }

        if (next.RunAsUser != running.RunAsUser)
        {
            hostKept.Add(nameof(FerrySettings.RunAsUser));
            next.RunAsUser = running.RunAsUser;
        }

        if (next.Logging.Format != running.Logging.Format || next.Logging.File != running.Logging.File || next.Logging.XferLog != running.Logging.XferLog)
        {
            // The files were opened before the privilege drop; the account may not reopen others.
            hostKept.Add("Logging:Format/File/XferLog");
            next.Logging = running.Logging;
        }

        if (SettingsJson.Serialize(next.Operations) != SettingsJson.Serialize(running.Operations))
        {
            // The listener and the exporters are built once, at start.
            hostKept.Add("Operations");
            next.Operations = running.Operations;
        }

        if (SettingsJson.Serialize(next.Hooks) != SettingsJson.Serialize(running.Hooks))
        {
            // The hooks, their queues and HTTP clients are built once, at start.
            hostKept.Add("Hooks");
            next.Hooks = running.Hooks;
        }

        if (SettingsJson.Serialize(next.Admin) != SettingsJson.Serialize(running.Admin))
        {
            // The admin API is mounted, and its session lifetime set, once, at start.
            hostKept.Add("Admin");
            next.Admin = running.Admin;
        }

        var allKept = hostKept.Concat(kept.Select(name => "Server:" + name)).ToList();
        foreach (var name in allKept)
        {
            FerryLog.ReloadKeptSetting(_logger, name);
        }

        if (storage is not null)
        {
            ftp.Storage!.Apply(storage, next.Server);
        }

        settings.Publish(next);
        var certificate = server.Certificates?.Certificate;
        FerryLog.Reloaded(_logger, certificate?.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) ?? "-", kept.Count + hostKept.Count);
        return new ReloadOutcome(true, allKept, null, $"Configuration reloaded; serving {server.ActiveSessions} session(s)");
    }
}
