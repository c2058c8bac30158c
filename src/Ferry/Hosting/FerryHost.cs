using Ferry.Logging;
using Ferry.Operations;
using Ferry.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ferry.Hosting;

/// <summary>
/// `ferry serve` as a Generic Host: the settings (an <see cref="IOptionsMonitor{TOptions}"/> that
/// a reload moves), logging, and the hosted services in start order: the FTP server, the
/// operations side (metrics, /healthz, /readyz, OTLP; Operations/), systemd notification (READY=1
/// only once everything listens), then the SIGHUP reloader. A stop runs them
/// in reverse: STOPPING=1 first, the server's graceful stop last.
/// </summary>
internal static class FerryHost
{
    /// <summary>What the host adds to the server's own stop deadline before it gives up on a stop.</summary>
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(5);

    public static IHost Build(SettingsMonitor settings, FerryLogging logs)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<IOptionsMonitor<Configuration.FerrySettings>>(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(logs);

        ConfigureLogging(builder.Logging, logs);

        services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        services.Configure<HostOptions>(options =>
        {
            // The graceful stop (running transfers get ShutdownDrainTimeout) must not be cut short by the host.
            options.ShutdownTimeout = StopTimeout(settings.CurrentValue);
            options.ServicesStartConcurrently = false;
            options.ServicesStopConcurrently = false;
        });

        services.AddSingleton<FtpServerService>();
        services.AddSingleton<SystemdNotifications>();
        services.AddSingleton<ConfigurationReloader>();
        services.AddSingleton<IServerHealth, HostedServerHealth>();
        services.AddHostedService(provider => provider.GetRequiredService<FtpServerService>());

        // The admin API's services (Admin:Enabled): opened after the FTP server (users.db, the
        // privilege drop), before the listener that serves them.
        var adminEnabled = settings.CurrentValue.Admin.Enabled;
        if (adminEnabled)
        {
            services.AddSingleton<Administration.AdminServices>();
            services.AddSingleton<Administration.ThroughputHistory>();
            services.AddHostedService(provider => provider.GetRequiredService<Administration.AdminServices>());
            services.AddHostedService(provider => provider.GetRequiredService<Administration.ThroughputHistory>());
        }

        // After the FTP server (it reports on it) and before READY=1; stopped before the server.
        services.AddFerryOperations(settings.CurrentValue.Operations, adminSocket: adminEnabled);
        services.AddHostedService(provider => provider.GetRequiredService<SystemdNotifications>());
        services.AddHostedService(provider => provider.GetRequiredService<ConfigurationReloader>());
        var host = builder.Build();

        // A reload may raise ShutdownDrainTimeout, which the server reads when it stops: the host's
        // deadline follows (it reads this instance at its stop), or it would cut a longer drain at
        // the start's value (GracefulStopHostTests.A_ShutdownDrainTimeout_raised_by_a_reload_is_what_a_later_stop_waits_for).
        var hostOptions = host.Services.GetRequiredService<IOptions<HostOptions>>().Value;
        settings.OnChange((reloaded, _) => hostOptions.ShutdownTimeout = StopTimeout(reloaded));
        return host;
    }

    /// <summary>How long a stop may take in all: the drain, the server's stop deadline, and a margin.</summary>
    internal static TimeSpan StopTimeout(Configuration.FerrySettings settings) =>
        settings.Server.ShutdownDrainTimeout + FtpServer.StopDeadline + StopMargin;

    /// <summary>The console (and Logging:File) as the Logging settings say, at the LogLevel setting (followed on reload).</summary>
    private static void ConfigureLogging(ILoggingBuilder logging, FerryLogging logs)
    {
        logging.ClearProviders();
        logs.Configure(logging);
        logging.Services.AddSingleton<ReloadableLogLevel>();
        logging.Services.AddSingleton<IConfigureOptions<LoggerFilterOptions>>(provider => provider.GetRequiredService<ReloadableLogLevel>());
        logging.Services.AddSingleton<IOptionsChangeTokenSource<LoggerFilterOptions>>(provider => provider.GetRequiredService<ReloadableLogLevel>());

        // Only the Information level of the host's own categories: Microsoft.Hosting.Lifetime and
        // the like would otherwise add lines no Ferry admin asked for.
        logging.AddFilter("Microsoft", LogLevel.Warning);

        // A failed start is one line on stderr (StartupFailedException, printed by ServeCommand);
        // the host's own "Hosting failed to start" would add the exception and its stack to stdout.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
    }
}
