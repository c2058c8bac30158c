namespace Ferry.Hooks;

/// <summary>Every configured hook, built once at start: the notification hooks and the veto hooks.</summary>
internal sealed class HookSet : IDisposable
{
    public HookSet(HooksSettings settings, string workingDirectory, TimeProvider time)
    {
        All = [.. settings.List.Select((hook, index) => new Hook(hook.DisplayName(index), hook, workingDirectory, time))];
        Notifications = [.. All.Where(hook => !hook.Settings.IsVeto)];
        Vetoes = [.. All.Where(hook => hook.Settings.IsVeto)];
    }

    public IReadOnlyList<Hook> All { get; }

    public IReadOnlyList<Hook> Notifications { get; }

    public IReadOnlyList<Hook> Vetoes { get; }

    public void Dispose()
    {
        foreach (var hook in All)
        {
            hook.Dispose();
        }
    }
}
