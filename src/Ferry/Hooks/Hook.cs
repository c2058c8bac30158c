namespace Ferry.Hooks;

/// <summary>
/// One configured hook, ready to run: its name, events, filter and actions (a command, a webhook,
/// or both), with the timing its settings give.
/// </summary>
internal sealed class Hook : IDisposable
{
    public Hook(string name, HookSettings settings, string workingDirectory, TimeProvider time)
    {
        Name = name;
        Settings = settings;
        Events = new HashSet<string>(settings.Events, StringComparer.Ordinal);
        Filter = new HookFilter(settings.Users, [.. settings.Paths.Select(pattern => new PathGlob(pattern))]);
        Command = string.IsNullOrEmpty(settings.Command) ? null : new HookCommand(settings.Command, settings.Arguments, workingDirectory, time);
        Webhook = string.IsNullOrEmpty(settings.Url) ? null : new Webhook(new Uri(settings.Url), settings.Secret, settings.Timeout, time);
    }

    public string Name { get; }

    public HookSettings Settings { get; }

    public IReadOnlySet<string> Events { get; }

    public HookFilter Filter { get; }

    public HookCommand? Command { get; }

    public Webhook? Webhook { get; }

    /// <summary>What it does, for the start-up log line (a URL without its query, which may hold a token).</summary>
    public string Describe()
    {
        var actions = new List<string>();
        if (Command is not null)
        {
            actions.Add("runs " + Command.Executable);
        }

        if (Webhook is not null)
        {
            actions.Add("POSTs to " + Webhook.Url.GetLeftPart(UriPartial.Path) + (Settings.Secret is { Length: > 0 } ? " (signed)" : string.Empty));
        }

        return string.Join(" and ", actions);
    }

    public void Dispose() => Webhook?.Dispose();
}
