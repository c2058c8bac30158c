using System.Text.Json;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Microsoft.Extensions.Logging;

namespace Ferry.Hooks;

/// <summary>
/// The veto hooks as the engine's <see cref="IUploadPolicy"/>: "pre-upload" hooks are asked before
/// an upload starts (a name policy: nothing is created yet), "pre-commit" hooks once every byte is
/// in and before the file becomes visible (a virus scan reads FERRY_LOCAL_FILE). Each hook whose
/// filters match is asked in turn, its command then its webhook; the first refusal wins. Asked
/// synchronously (the client waits), once, within the hook's Timeout: no queue and no retry.
/// <list type="bullet">
/// <item>Command: exit 0 allows; exit 52 refuses with 552 (a lack of room, RFC 959's "exceeded
/// storage allocation"); any other exit refuses with 550; the reason the client reads is the
/// first line of standard output.</item>
/// <item>Url: 2xx allows; 413 refuses with 552; another 4xx refuses with 550; the reason is the
/// response's JSON "reason" field.</item>
/// <item>No answer (a timeout, a command that cannot start, a connection refused, a 5xx, a 3xx):
/// the upload is refused ("upload check unavailable"), or allowed when the hook says FailOpen.</item>
/// </list>
/// </summary>
internal sealed class UploadVetoPolicy : IUploadPolicy
{
    /// <summary>The exit code that asks for 552 instead of 550: "52" for "552", and clear of the codes tools use for their own errors (1, 2, 126, 127, 128+signal).</summary>
    public const int QuotaExitCode = 52;

    public const string Unavailable = "upload check unavailable";

    private const string DefaultReason = "refused by the upload check";

    private readonly Hook[] _preUpload;
    private readonly Hook[] _preCommit;
    private readonly HookMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public UploadVetoPolicy(HookSet hooks, HookMetrics metrics, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _preUpload = [.. hooks.Vetoes.Where(hook => hook.Events.Contains(HookEventNames.PreUpload))];
        _preCommit = [.. hooks.Vetoes.Where(hook => hook.Events.Contains(HookEventNames.PreCommit))];
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger("Ferry");
        _time = time;
    }

    public ValueTask<UploadVerdict> BeforeUploadAsync(UploadCheck upload, CancellationToken cancellationToken) =>
        _preUpload.Length == 0 ? ValueTask.FromResult(UploadVerdict.Allow) : AskAsync(_preUpload, HookEvents.From(HookEventNames.PreUpload, upload, _time.GetUtcNow()), cancellationToken);

    public ValueTask<UploadVerdict> BeforeCommitAsync(UploadCheck upload, CancellationToken cancellationToken) =>
        _preCommit.Length == 0 ? ValueTask.FromResult(UploadVerdict.Allow) : AskAsync(_preCommit, HookEvents.From(HookEventNames.PreCommit, upload, _time.GetUtcNow()), cancellationToken);

    private async ValueTask<UploadVerdict> AskAsync(Hook[] hooks, HookEvent hookEvent, CancellationToken cancellationToken)
    {
        byte[]? payload = null;
        foreach (var hook in hooks)
        {
            if (!hook.Filter.Matches(hookEvent))
            {
                continue;
            }

            payload ??= HookFields.Payload(hookEvent);
            var verdict = hook.Command is { } command ? await AskCommandAsync(hook, command, hookEvent, payload, cancellationToken) : UploadVerdict.Allow;
            if (verdict.Allowed && hook.Webhook is { } webhook)
            {
                verdict = await AskWebhookAsync(hook, webhook, hookEvent, payload, cancellationToken);
            }

            if (!verdict.Allowed)
            {
                FerryLog.HookRefusedUpload(_logger, hook.Name, hookEvent.Path, hookEvent.User, verdict.Reason);
                return verdict;
            }
        }

        return UploadVerdict.Allow;
    }

    private async Task<UploadVerdict> AskCommandAsync(Hook hook, HookCommand command, HookEvent hookEvent, byte[] payload, CancellationToken cancellationToken)
    {
        var outcome = await command.RunAsync(hookEvent, payload, hook.Settings.Timeout, cancellationToken);
        if (outcome.ExitCode is not { } exitCode)
        {
            return WhenUnavailable(hook, outcome.Error ?? "no exit code");
        }

        FerryLog.HookCommandOutput(_logger, hook.Name, exitCode, outcome.Elapsed.TotalMilliseconds, outcome.Output);
        return Decided(hook, exitCode == 0, exitCode == QuotaExitCode, outcome.FirstLine);
    }

    private async Task<UploadVerdict> AskWebhookAsync(Hook hook, Webhook webhook, HookEvent hookEvent, byte[] payload, CancellationToken cancellationToken)
    {
        var outcome = await webhook.PostAsync(hookEvent, payload, attempt: 1, hook.Settings.Timeout, cancellationToken);
        return outcome.Status is >= 200 and < 500 and not (>= 300 and < 400)
            ? Decided(hook, outcome.Succeeded, outcome.Status == 413, ReasonOf(outcome.Body))
            : WhenUnavailable(hook, outcome.Describe());
    }

    private UploadVerdict Decided(Hook hook, bool allowed, bool quotaLike, string reason)
    {
        _metrics.Checked(hook.Name, allowed ? "allowed" : "refused");
        return allowed ? UploadVerdict.Allow : UploadVerdict.Refuse(reason.Length > 0 ? reason : DefaultReason, quotaLike);
    }

    private UploadVerdict WhenUnavailable(Hook hook, string error)
    {
        _metrics.Checked(hook.Name, "unavailable");
        var failOpen = hook.Settings.FailOpen;
        FerryLog.HookCheckUnavailable(_logger, hook.Name, error, failOpen ? "allowed (FailOpen)" : "refused");
        return failOpen ? UploadVerdict.Allow : UploadVerdict.Refuse(Unavailable);
    }

    /// <summary>The "reason" of a JSON object body; empty when the body is not one or has none.</summary>
    private static string ReasonOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
                ? reason.GetString()!.Trim()
                : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }
}
