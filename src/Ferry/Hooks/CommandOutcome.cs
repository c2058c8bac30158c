namespace Ferry.Hooks;

/// <summary>How one run of a hook's command ended.</summary>
/// <param name="ExitCode">The exit code; null when it did not start or did not finish in time.</param>
/// <param name="FirstLine">The first line of its standard output, trimmed (a veto's reason); empty when none.</param>
/// <param name="Output">Standard output and error, each cut at <see cref="HookCommand.MaxOutputChars"/>, for the log.</param>
/// <param name="Error">Why there is no exit code ("timed out after 10 s", "cannot start: ..."); null when it exited.</param>
/// <param name="Elapsed">From start to exit (or to the kill).</param>
internal readonly record struct CommandOutcome(int? ExitCode, string FirstLine, string Output, string? Error, TimeSpan Elapsed)
{
    /// <summary>For a log line: the exit code and the first line of the output, or why there is no exit code.</summary>
    public string Describe()
    {
        if (Error is not null)
        {
            return Error;
        }

        var line = Output.Split('\n', 2)[0].Trim();
        return line.Length == 0 ? $"exit code {ExitCode}" : $"exit code {ExitCode}: {line}";
    }
}
