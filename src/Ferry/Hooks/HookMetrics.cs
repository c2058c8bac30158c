using System.Diagnostics.Metrics;
using Ferry.Server.Diagnostics;

namespace Ferry.Hooks;

/// <summary>
/// The hooks' instruments on a meter named "Ferry" (<see cref="FerryMetrics.MeterName"/>), so the
/// operations side exports them with the engine's. Tags: the hook's name (bounded by the
/// configuration, chosen by the admin, never by a client), the action (command, webhook) and a
/// veto hook's verdict (allowed, refused, unavailable).
/// </summary>
internal sealed class HookMetrics : IDisposable
{
    private const string HookTag = "ferry.hook";
    private const string ActionTag = "ferry.hook.action";
    private const string VerdictTag = "ferry.hook.verdict";

    private readonly Meter _meter;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _checks;

    public HookMetrics()
    {
        _meter = new Meter(FerryMetrics.MeterName, typeof(HookMetrics).Assembly.GetName().Version?.ToString());
        _delivered = _meter.CreateCounter<long>("ferry.hooks.delivered", "{event}", "Hook events delivered: a command that exited 0, a webhook answered 2xx.");
        _failed = _meter.CreateCounter<long>("ferry.hooks.failed", "{event}", "Hook events given up after their last attempt (Retries).");
        _dropped = _meter.CreateCounter<long>("ferry.hooks.dropped", "{event}", "Hook events dropped because the hook's queue was full (QueueCapacity): its receiver is slower than the server.");
        _retries = _meter.CreateCounter<long>("ferry.hooks.retries", "{attempt}", "Hook delivery attempts that failed and were tried again.");
        _checks = _meter.CreateCounter<long>("ferry.hooks.checks", "{upload}", "Uploads put to a veto hook (pre-upload, pre-commit), by verdict: allowed, refused, unavailable.");
    }

    public void Delivered(string hook, string action) => _delivered.Add(1, new(HookTag, hook), new(ActionTag, action));

    public void Failed(string hook, string action) => _failed.Add(1, new(HookTag, hook), new(ActionTag, action));

    public void Dropped(string hook) => _dropped.Add(1, new KeyValuePair<string, object?>(HookTag, hook));

    public void Retried(string hook, string action) => _retries.Add(1, new(HookTag, hook), new(ActionTag, action));

    public void Checked(string hook, string verdict) => _checks.Add(1, new(HookTag, hook), new(VerdictTag, verdict));

    public void Dispose() => _meter.Dispose();
}
