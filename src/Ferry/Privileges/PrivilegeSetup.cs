using System.Net;
using Ferry.Configuration;
using Ferry.Server;
using Ferry.Server.Diagnostics;
using Ferry.Server.PrivilegeSeparation;
using Ferry.Server.Security;
using Microsoft.Extensions.Logging;

namespace Ferry.Privileges;

/// <summary>
/// How `ferry serve` deals with root. Started as root: the privileged helper is spawned, Ferry's
/// state handed to RunAsUser, and the process drops to RunAsUser before it binds or serves
/// anything (binds go through the helper). Not root: the options that need root are refused at
/// start, with the key named.
/// </summary>
internal sealed class PrivilegeSetup : IDisposable
{
    private readonly PrivilegedHelperClient? _helper;
    private volatile bool _disposed;

    private PrivilegeSetup(PrivilegedHelperClient? helper, SocketActivation? activation)
    {
        _helper = helper;
        Activation = activation;
        if (activation is not null)
        {
            activation.Fallback = helper;
        }
    }

    /// <summary>The listeners systemd passed, or null when Ferry was not socket-activated.</summary>
    public SocketActivation? Activation { get; }

    /// <summary>The helper when privileges are separated; null when Ferry was not started as root.</summary>
    public PrivilegedHelperClient? Helper => _helper;

    /// <summary>A one-line reason Ferry cannot start this way, or null. Run before anything is written as root.</summary>
    public static string? Check(FerrySettings settings, out SystemAccount? runAs)
    {
        runAs = null;
        var server = settings.Server;
        if (!ProcessIdentity.IsRoot)
        {
            if (server.SystemAccounts)
            {
                return "Server:SystemAccounts needs Ferry started as root (a privileged helper checks the passwords through PAM).";
            }

            if (server.ActiveModeSourcePort20 && !ProcessIdentity.CanBindPrivilegedPorts)
            {
                return "Server:ActiveModeSourcePort20 needs Ferry started as root or with CAP_NET_BIND_SERVICE (port 20 is privileged).";
            }

            return null;
        }

        runAs = PasswdDatabase.Find(settings.RunAsUser);
        if (runAs is null)
        {
            return $"RunAsUser: account '{settings.RunAsUser}' does not exist; started as root, Ferry serves as that account. "
                + $"Create it with `useradd --system --no-create-home --shell /usr/sbin/nologin {settings.RunAsUser}` or set RunAsUser to another unprivileged account.";
        }

        return runAs.Uid == 0 || runAs.Gid == 0
            ? $"RunAsUser: account '{settings.RunAsUser}' has uid or gid 0; it must be unprivileged."
            : null;
    }

    /// <summary>Not root: nothing to do. Root: helper, data folder, drop (see the class summary).</summary>
    public static PrivilegeSetup Apply(FerrySettings settings, SystemAccount? runAs, ILogger logger)
    {
        // Taken before the helper starts, so it inherits none of them.
        var activation = SocketActivation.FromEnvironment();
        if (activation is not null)
        {
            FerryLog.SocketActivation(logger, activation.Count);
        }

        if (runAs is null)
        {
            return new PrivilegeSetup(null, activation);
        }

        var server = settings.Server;
        var address = IPAddress.Parse(server.ListenAddress);
        List<IPEndPoint> listeners = [new(address, server.Port)];
        if (server.ImplicitTls)
        {
            listeners.Add(new IPEndPoint(address, server.ImplicitTlsPort));
        }

        var helper = PrivilegedHelperClient.Start(new HelperPolicy(listeners, server.ActiveModeSourcePort20, server.SystemAccountRules));
        try
        {
            PrivilegeDrop.HandOverDataDir(settings.DataDir, runAs);
            PrivilegeDrop.SwitchTo(runAs);
            PrivilegeDrop.CheckWritable(settings.DataDir, runAs);
        }
        catch
        {
            helper.Dispose();
            throw;
        }

        FerryLog.PrivilegesDropped(logger, runAs.Name, runAs.Uid, runAs.Gid, helper.ProcessId);
        if (runAs.Name == FerrySettings.SharedUnprivilegedAccount)
        {
            FerryLog.SharedRunAsUser(logger, runAs.Name);
        }

        var setup = new PrivilegeSetup(helper, activation);
        _ = helper.Exited.ContinueWith(
            _ =>
            {
                if (!setup._disposed)
                {
                    FerryLog.PrivilegedHelperExited(logger);
                }
            },
            TaskScheduler.Default);
        return setup;
    }

    /// <summary>What binds for the server: systemd's sockets, the helper, or null (the server binds itself).</summary>
    public IPrivilegedSocketSource? SocketSource => (IPrivilegedSocketSource?)Activation ?? _helper;

    /// <summary>Who checks system-account passwords: the helper, or nobody.</summary>
    public ISystemAccountVerifier? SystemAccounts => _helper;

    public void Dispose()
    {
        // The helper's exit that follows is the expected one, not worth an error.
        _disposed = true;
        _helper?.Dispose();
    }
}
