namespace Ferry.Hosting;

/// <summary>What one reload did (the admin API's POST /api/reload).</summary>
/// <param name="Reloaded">The new settings are in force.</param>
/// <param name="Kept">Settings that changed but wait for a restart (their running value is kept).</param>
/// <param name="Error">Why nothing changed; null when reloaded.</param>
/// <param name="Status">The one-line status systemd is told.</param>
internal sealed record ReloadOutcome(bool Reloaded, IReadOnlyList<string> Kept, string? Error, string Status)
{
    public static ReloadOutcome Refused(string error, string status) => new(false, [], error, status);
}
