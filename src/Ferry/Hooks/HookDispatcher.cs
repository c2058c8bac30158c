using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ferry.Hooks;

/// <summary>
/// The engine's event sink for notification hooks: on the session's path it only checks whether
/// any hook wants the event, builds it, and offers it to each matching hook's queue
/// (<see cref="HookQueue.TryEnqueue"/>, which never waits). As a hosted service it starts the
/// queues' workers first and stops them last (after the FTP server, whose last sessions' events it
/// still takes), giving queued events <see cref="StopDrain"/> to go out.
/// </summary>
internal sealed class HookDispatcher : IServerEventSink, IHostedService, IDisposable
{
    /// <summary>How long queued events may still go out at a stop, before the rest are counted as lost.</summary>
    private static readonly TimeSpan StopDrain = TimeSpan.FromSeconds(5);

    private readonly HookSet _hooks;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly HookQueue[] _queues;
    private readonly Dictionary<string, HookQueue[]> _byEvent;
    private readonly CancellationTokenSource _stopping = new();

    public HookDispatcher(HookSet hooks, HooksSettings settings, HookMetrics metrics, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _hooks = hooks;
        _logger = loggerFactory.CreateLogger("Ferry");
        _time = time;
        _queues = [.. hooks.Notifications.Select(hook => new HookQueue(hook, settings.QueueCapacity, settings.Workers, metrics, _logger, time))];
        _byEvent = HookEventNames.All.ToDictionary(name => name, name => _queues.Where(queue => queue.Hook.Events.Contains(name)).ToArray(), StringComparer.Ordinal);
        WantsUploadChecksums = _byEvent[HookEventNames.Upload].Length > 0;
    }

    /// <summary>An upload hook's payload carries the file's SHA-256.</summary>
    public bool WantsUploadChecksums { get; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var hook in _hooks.All)
        {
            FerryLog.HookConfigured(_logger, hook.Name, string.Join(", ", hook.Settings.Events), hook.Describe());
        }

        foreach (var queue in _queues)
        {
            queue.Start(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _queues)
        {
            queue.Complete();
        }

        var all = Task.WhenAll(_queues.Select(queue => queue.Completion));
        try
        {
            await all.WaitAsync(StopDrain, _time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            var pending = _queues.Sum(queue => queue.Pending);
            await _stopping.CancelAsync();
            FerryLog.HooksStoppedWithPending(_logger, pending);
            await all.WaitAsync(TimeSpan.FromSeconds(5), _time, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void TransferEnded(in TransferRecord transfer)
    {
        if (HookEvents.NameOf(transfer) is { } name && Wanted(name) is { } queues)
        {
            Offer(queues, HookEvents.From(name, transfer, _time.GetUtcNow()));
        }
    }

    public void Audited(in AuditRecord audit)
    {
        if (HookEvents.NameOf(audit) is { } name && Wanted(name) is { } queues)
        {
            Offer(queues, HookEvents.From(name, audit, _time.GetUtcNow()));
        }
    }

    public void LoginAttempted(in LoginRecord login)
    {
        if (Wanted(login.Succeeded ? HookEventNames.Login : HookEventNames.LoginFailed) is { } queues)
        {
            Offer(queues, HookEvents.From(login, _time.GetUtcNow()));
        }
    }

    public void AddressBanned(in BanRecord ban)
    {
        if (Wanted(HookEventNames.Ban) is { } queues)
        {
            Offer(queues, HookEvents.From(ban, _time.GetUtcNow()));
        }
    }

    public void SessionEnded(in SessionRecord session)
    {
        if (Wanted(HookEventNames.SessionEnd) is { } queues)
        {
            Offer(queues, HookEvents.From(session, _time.GetUtcNow()));
        }
    }

    /// <summary>The queues of the hooks on this event; null when there are none (nothing is built).</summary>
    private HookQueue[]? Wanted(string name) => _byEvent.TryGetValue(name, out var queues) && queues.Length > 0 ? queues : null;

    private static void Offer(HookQueue[] queues, HookEvent hookEvent)
    {
        foreach (var queue in queues)
        {
            if (queue.Hook.Filter.Matches(hookEvent))
            {
                queue.TryEnqueue(hookEvent);
            }
        }
    }

    public void Dispose() => _stopping.Dispose();
}
