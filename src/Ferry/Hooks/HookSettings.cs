namespace Ferry.Hooks;

/// <summary>
/// One hook: which events (and, optionally, which users and paths) start it, and what it does:
/// run <see cref="Command"/>, POST to <see cref="Url"/>, or both. With "pre-upload" or
/// "pre-commit" it is a veto hook: asked synchronously, its answer decides whether an upload goes on.
/// </summary>
internal sealed class HookSettings
{
    /// <summary>What logs and the ferry.hooks.* metrics call it; empty: its place, "Hooks:List:N".</summary>
    public string? Name { get; set; }

    /// <summary>Event names (<see cref="HookEventNames"/>): "upload", "login-failed", "pre-commit", ...</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>Only events of these users (exact names); empty: every user. Events with no user (a ban) never match a user filter.</summary>
    public List<string> Users { get; set; } = [];

    /// <summary>
    /// Only events on paths matching one of these patterns ("/incoming/**/*.csv": * within a folder
    /// name, ** across folders, ? one character); empty: every path. A rename matches by its old
    /// or new path; events with no path (a login) never match a path filter.
    /// </summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>An executable's absolute path, run without a shell; empty: no command.</summary>
    public string? Command { get; set; }

    /// <summary>The command's arguments; an argument that is exactly "{path}" (or another field name in braces) becomes that field's value.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>An http:// or https:// URL the event is POSTed to as JSON; empty: no webhook.</summary>
    public string? Url { get; set; }

    /// <summary>A shared secret: each POST carries X-Ferry-Signature, an HMAC-SHA256 of its timestamp and body. Empty: unsigned.</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// How long one command run or one POST may take: 10 s, far above a local script or a LAN
    /// receiver, short enough that a dead one frees its worker soon. A command still running is
    /// killed (with its children).
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Further attempts after a failed one (a timeout, a refused connection, a 5xx or 429, a
    /// command's non-zero exit): 3, so a receiver restarting for a few seconds loses nothing.
    /// Veto hooks are never retried (the client is waiting).
    /// </summary>
    public int Retries { get; set; } = DefaultRetries;

    public const int DefaultRetries = 3;

    /// <summary>The wait before the first retry, doubled before each next one (1 s, 2 s, 4 s; at most 5 minutes).</summary>
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A veto hook that cannot answer (a timeout, a crash, a 5xx): false (the default) refuses the
    /// upload with "upload check unavailable", since a scanner that is down must not let unscanned
    /// files through; true lets the upload go on (for a check that is a convenience, not a guard).
    /// </summary>
    public bool FailOpen { get; set; }

    /// <summary>The longest accepted timeout: an hour.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>The shortest accepted timeout: 100 ms.</summary>
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);

    public string DisplayName(int index) => string.IsNullOrWhiteSpace(Name) ? $"Hooks:List:{index}" : Name;

    /// <summary>True for a veto hook (pre-upload or pre-commit).</summary>
    public bool IsVeto => Events.Exists(HookEventNames.IsVeto);

    /// <summary>One line per mistake; <paramref name="key"/> is "Hooks:List:N".</summary>
    public IEnumerable<string> Validate(string key)
    {
        if (Events.Count == 0)
        {
            yield return $"{key}:Events: (none) must name at least one event: {string.Join(", ", HookEventNames.All)}.";
        }

        for (var index = 0; index < Events.Count; index++)
        {
            if (!HookEventNames.IsKnown(Events[index]))
            {
                yield return $"{key}:Events:{index}: '{Events[index]}' is not an event; allowed: {string.Join(", ", HookEventNames.All)}.";
            }
        }

        if (IsVeto && Events.Exists(name => HookEventNames.IsKnown(name) && !HookEventNames.IsVeto(name)))
        {
            yield return $"{key}:Events: '{string.Join(", ", Events)}' mixes a veto event (pre-upload, pre-commit) with notifications; a veto hook answers synchronously, so give the notifications a hook of their own.";
        }

        for (var index = 0; index < Users.Count; index++)
        {
            if (string.IsNullOrWhiteSpace(Users[index]))
            {
                yield return $"{key}:Users:{index}: '{Users[index]}' must be a user name.";
            }
        }

        for (var index = 0; index < Paths.Count; index++)
        {
            if (PathGlob.Problem(Paths[index]) is { } problem)
            {
                yield return $"{key}:Paths:{index}: '{Paths[index]}' {problem}";
            }
        }

        var hasCommand = !string.IsNullOrEmpty(Command);
        var hasUrl = !string.IsNullOrEmpty(Url);
        if (!hasCommand && !hasUrl)
        {
            yield return $"{key}: has neither Command nor Url; give it a Command (an executable's absolute path), a Url (http:// or https://), or both.";
        }

        if (hasCommand && CommandProblem(Command!) is { } commandProblem)
        {
            yield return $"{key}:Command: '{Command}' {commandProblem}";
        }

        if (!hasCommand && Arguments.Count > 0)
        {
            yield return $"{key}:Arguments: '{string.Join(' ', Arguments)}' are for a Command, and the hook has none.";
        }

        for (var index = 0; index < Arguments.Count; index++)
        {
            if (HookArguments.Problem(Arguments[index]) is { } problem)
            {
                yield return $"{key}:Arguments:{index}: '{Arguments[index]}' {problem}";
            }
        }

        if (hasUrl && !(Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo)))
        {
            yield return $"{key}:Url: '{Url}' must be an http:// or https:// URL without a user name or password, e.g. https://hooks.example.com/ferry.";
        }

        if (!string.IsNullOrEmpty(Secret) && !hasUrl)
        {
            yield return $"{key}:Secret: is set, but only a Url's POSTs are signed, and the hook has no Url.";
        }

        if (Timeout < MinTimeout || Timeout > MaxTimeout)
        {
            yield return $"{key}:Timeout: '{Timeout}' must be from 00:00:00.1 to 01:00:00.";
        }

        if (Retries is < 0 or > 10)
        {
            yield return $"{key}:Retries: '{Retries}' must be from 0 to 10.";
        }

        if (RetryDelay < TimeSpan.FromMilliseconds(10) || RetryDelay > TimeSpan.FromMinutes(5))
        {
            yield return $"{key}:RetryDelay: '{RetryDelay}' must be from 00:00:00.01 to 00:05:00.";
        }

        if (FailOpen && !IsVeto)
        {
            yield return $"{key}:FailOpen: 'true' only applies to a veto hook (Events pre-upload or pre-commit).";
        }
    }

    /// <summary>Null when <paramref name="command"/> names an executable file by its absolute path.</summary>
    private static string? CommandProblem(string command)
    {
        if (!Path.IsPathFullyQualified(command))
        {
            return "must be an absolute path (e.g. /usr/local/bin/on-upload); commands run without a shell and without a PATH search.";
        }

        if (!File.Exists(command))
        {
            return Directory.Exists(command) ? "is a folder, not an executable file." : "does not exist.";
        }

        const UnixFileMode Executable = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(command) & Executable) == 0 ? "is not executable (chmod +x it)." : null;
    }
}
