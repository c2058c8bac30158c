namespace Ferry.Hooks;

/// <summary>
/// The "Hooks" section: commands and webhooks run on server events, and veto hooks an upload must
/// pass. Off by default (an empty <see cref="List"/>): nothing runs and nothing is sent.
/// Read at start; a reload keeps the running hooks (a restart applies a change).
/// </summary>
internal sealed class HooksSettings
{
    /// <summary>The hooks, each with its events, filters and action.</summary>
    public List<HookSettings> List { get; set; } = [];

    /// <summary>
    /// Events waiting per hook: 1,000, a few minutes of a busy server's uploads while a receiver is
    /// down, at a few hundred bytes each. When full, new events for that hook are dropped and
    /// counted (ferry.hooks.dropped): FTP never waits for a hook.
    /// </summary>
    public int QueueCapacity { get; set; } = DefaultQueueCapacity;

    public const int DefaultQueueCapacity = 1000;

    /// <summary>
    /// Deliveries running at once per hook: 1, so each hook gets its events in the order they
    /// happened (an upload before its rename). More run a slow command in parallel, in any order.
    /// </summary>
    public int Workers { get; set; } = 1;

    /// <summary>One line per mistake, each naming the key (from "Hooks:"), the value and what is allowed.</summary>
    public IEnumerable<string> Validate()
    {
        if (QueueCapacity is < 1 or > 1_000_000)
        {
            yield return $"Hooks:QueueCapacity: '{QueueCapacity}' must be from 1 to 1000000.";
        }

        if (Workers is < 1 or > 64)
        {
            yield return $"Hooks:Workers: '{Workers}' must be from 1 to 64.";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < List.Count; index++)
        {
            var key = $"Hooks:List:{index}";
            foreach (var problem in List[index].Validate(key))
            {
                yield return problem;
            }

            if (!names.Add(List[index].DisplayName(index)))
            {
                yield return $"{key}:Name: '{List[index].Name}' is the name of another hook; give each hook its own name (logs and metrics tell them apart by it).";
            }
        }
    }
}
