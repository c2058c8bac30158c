namespace Ferry.Administration;

/// <summary>POST /api/reload: reloaded or not, the restart-only settings kept, and why not.</summary>
internal sealed record ReloadResult(bool Reloaded, IReadOnlyList<string> Kept, string? Error);
