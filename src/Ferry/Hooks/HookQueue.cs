using System.Threading.Channels;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Hooks;

/// <summary>
/// One notification hook's queue and workers. <see cref="TryEnqueue"/> is what a session calls: it
/// never waits; when the queue is full the event is dropped, counted (ferry.hooks.dropped) and
/// warned about at most every <see cref="WarningInterval"/>. Workers deliver each event to the
/// hook's command and then its webhook, each with its own attempts (1 + Retries, a failed attempt
/// followed by RetryDelay doubled each time), so a delivery is at most once per attempt: a receiver
/// that answered too late for the timeout may see the event again, with the same id.
/// </summary>
internal sealed class HookQueue
{
    /// <summary>The longest wait between two attempts.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>At most one "queue full" warning per hook in this time: a dead receiver must not flood the log.</summary>
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    private readonly Channel<HookEvent> _channel;
    private readonly int _capacity;
    private readonly HookMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Task[] _workers;
    private long _droppedSinceWarning;
    private long _lastWarning = long.MinValue;

    public HookQueue(Hook hook, int capacity, int workers, HookMetrics metrics, ILogger logger, TimeProvider time)
    {
        Hook = hook;
        _capacity = capacity;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _channel = Channel.CreateBounded<HookEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = workers == 1,
            SingleWriter = false,
        });
        _workers = new Task[workers];
    }

    public Hook Hook { get; }

    /// <summary>Events waiting (not counting those being delivered).</summary>
    public int Pending => _channel.Reader.CanCount ? _channel.Reader.Count : 0;

    public void Start(CancellationToken stopping)
    {
        for (var index = 0; index < _workers.Length; index++)
        {
            _workers[index] = Task.Run(() => WorkAsync(stopping), CancellationToken.None);
        }
    }

    /// <summary>From the session's path: queued, or dropped and counted. Never waits, never throws.</summary>
    public void TryEnqueue(HookEvent hookEvent)
    {
        if (_channel.Writer.TryWrite(hookEvent))
        {
            return;
        }

        _metrics.Dropped(Hook.Name);
        var dropped = Interlocked.Increment(ref _droppedSinceWarning);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastWarning);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= WarningInterval)
            && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            Interlocked.Add(ref _droppedSinceWarning, -dropped);
            FerryLog.HookQueueFull(_logger, Hook.Name, _capacity, dropped);
        }
    }

    /// <summary>No more events; the workers finish what is queued.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Every worker's end (after <see cref="Complete"/>, or the stopping token).</summary>
    public Task Completion => Task.WhenAll(_workers.Where(worker => worker is not null));

    private async Task WorkAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var hookEvent in _channel.Reader.ReadAllAsync(stopping))
            {
                var payload = HookFields.Payload(hookEvent);
                if (Hook.Command is { } command)
                {
                    await DeliverAsync(hookEvent, "command", async (attempt, token) =>
                    {
                        var outcome = await command.RunAsync(hookEvent, payload, Hook.Settings.Timeout, token);
                        if (outcome.ExitCode is { } exitCode)
                        {
                            FerryLog.HookCommandOutput(_logger, Hook.Name, exitCode, outcome.Elapsed.TotalMilliseconds, outcome.Output);
                        }

                        return outcome.ExitCode == 0 ? (true, false, null) : (false, true, outcome.Error ?? outcome.Describe());
                    }, stopping);
                }

                if (Hook.Webhook is { } webhook)
                {
                    await DeliverAsync(hookEvent, "webhook", async (attempt, token) =>
                    {
                        var outcome = await webhook.PostAsync(hookEvent, payload, attempt, Hook.Settings.Timeout, token);
                        return (outcome.Succeeded, outcome.Retryable, outcome.Describe());
                    }, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The stop's drain is over: what is left is counted by the dispatcher.
        }
    }

    /// <summary>Attempts until one succeeds, a failure is final, or Retries is used up.</summary>
    private async Task DeliverAsync(HookEvent hookEvent, string action,
        Func<int, CancellationToken, Task<(bool Succeeded, bool Retryable, string? Error)>> attemptAsync, CancellationToken stopping)
    {
        var delay = Hook.Settings.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var (succeeded, retryable, error) = await attemptAsync(attempt, stopping);
            if (succeeded)
            {
                _metrics.Delivered(Hook.Name, action);
                FerryLog.HookDelivered(_logger, Hook.Name, hookEvent.Name, hookEvent.Id, action, attempt);
                return;
            }

            if (!retryable || attempt > Hook.Settings.Retries || stopping.IsCancellationRequested)
            {
                _metrics.Failed(Hook.Name, action);
                FerryLog.HookDeliveryFailed(_logger, Hook.Name, hookEvent.Name, hookEvent.Id, action, attempt, error);
                return;
            }

            _metrics.Retried(Hook.Name, action);
            FerryLog.HookRetrying(_logger, Hook.Name, hookEvent.Name, hookEvent.Id, action, attempt, error, delay.TotalSeconds);
            await Task.Delay(delay, _time, stopping);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }
}
