namespace Ferry.Hooks;

/// <summary>
/// A hook's Users and Paths filters: an event passes when each configured filter matches (no
/// filter: everything passes). A filter needs its field, so an event without a user (a ban) never
/// passes a user filter, and one without a path (a login) never passes a path filter.
/// </summary>
internal sealed class HookFilter(IReadOnlyCollection<string> users, IReadOnlyList<PathGlob> paths)
{
    private readonly HashSet<string> _users = new(users, StringComparer.Ordinal);

    public bool Matches(HookEvent hookEvent)
    {
        if (_users.Count > 0 && (hookEvent.User is not { } user || !_users.Contains(user)))
        {
            return false;
        }

        return paths.Count == 0 || Matches(hookEvent.Path) || Matches(hookEvent.Target);
    }

    private bool Matches(string? path)
    {
        if (path is null)
        {
            return false;
        }

        foreach (var glob in paths)
        {
            if (glob.IsMatch(path))
            {
                return true;
            }
        }

        return false;
    }
}
