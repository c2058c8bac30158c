namespace Ferry.Hosting;

/// <summary>`ferry serve` could not start: the message is the one line printed, the code the exit status.</summary>
internal sealed class StartupFailedException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
