using Ferry.Configuration;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ferry.Hooks;

/// <summary>
/// Registers the hooks of the "Hooks" section in a host: notification hooks as an engine event
/// sink (<see cref="HookDispatcher"/>, also a hosted service: call this before the FTP server's
/// hosted service, so the hooks start before it and stop after it), veto hooks as the
/// <see cref="IUploadPolicy"/>. With no hooks it adds nothing.
/// </summary>
internal static class HooksServices
{
    public static IServiceCollection AddFerryHooks(this IServiceCollection services, FerrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var hooks = settings.Hooks;
        if (hooks.List.Count == 0)
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(hooks);
        services.AddSingleton<HookMetrics>();
        // Commands run in the data folder, named now: a relative DataDir means the start's working directory.
        var workingDirectory = Path.GetFullPath(settings.DataDir);
        services.AddSingleton(provider => new HookSet(hooks, workingDirectory, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<HookDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<HookDispatcher>());
        if (hooks.List.Exists(hook => !hook.IsVeto))
        {
            services.AddSingleton<IServerEventSink>(provider => provider.GetRequiredService<HookDispatcher>());
        }

        if (hooks.List.Exists(hook => hook.IsVeto))
        {
            services.AddSingleton<IUploadPolicy, UploadVetoPolicy>();
        }

        return services;
    }
}
