using System.Collections;
using Ferry.Server.PrivilegeSeparation;

namespace Ferry.Hosting;

/// <summary>
/// Turns the .NET runtime's diagnostics (the IPC socket /tmp/dotnet-diagnostic-PID-*-socket that
/// dotnet-dump, dotnet-trace and debuggers attach through, the debugger and the profiler) off for
/// `ferry serve` (issue 11 finding 12). Any process of the same account could attach through
/// that socket and read or change the server's memory, and a root start left it root-owned in
/// /tmp. The runtime reads the switch only from the environment, before any managed code runs
/// (DOTNET_EnableDiagnostics; it has no runtimeconfig.json knob: System.Runtime.EnableDiagnostics
/// and the like are ignored, tried with .NET 10), so when the variable is not set `ferry serve`
/// sets it to 0 and execs itself again: same pid, same arguments, the runtime starts without the
/// socket. An operator who sets DOTNET_EnableDiagnostics (1 to debug) decides: no re-exec.
/// </summary>
internal static class DiagnosticPortLockdown
{
    public const string Variable = "DOTNET_EnableDiagnostics";

    /// <summary>The runtime's older name for the same switch; set, it also means the operator decided.</summary>
    private const string LegacyVariable = "COMPlus_EnableDiagnostics";

    /// <summary>Returns when nothing needs doing or the re-exec failed (then with a warning on stderr); otherwise never.</summary>
    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null || Environment.GetEnvironmentVariable(LegacyVariable) is not null)
        {
            return;
        }

        string[] arguments;
        try
        {
            // The exact argv this process was started with ("dotnet ferry.dll serve ..." or "ferry serve ...").
            var commandLine = File.ReadAllText("/proc/self/cmdline");
            arguments = commandLine.TrimEnd('\0').Split('\0');
        }
        catch (IOException)
        {
            return;
        }

        var environment = Environment.GetEnvironmentVariables()
            .Cast<DictionaryEntry>()
            .Select(entry => $"{entry.Key}={entry.Value}")
            .Append(Variable + "=0")
            .ToList();

        // The socket this runtime already made would stay behind in /tmp after the exec.
        RemoveOwnSocket();
        var errno = ProcessImage.Replace("/proc/self/exe", arguments, environment);
        Console.Error.WriteLine($"ferry: warning: could not restart with {Variable}=0 (errno {errno}); the runtime's diagnostics socket stays open.");
    }

    private static void RemoveOwnSocket()
    {
        var folder = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } tmp ? tmp : "/tmp";
        try
        {
            foreach (var socket in Directory.EnumerateFiles(folder, $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
            {
                File.Delete(socket);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not ours to delete, or gone: nothing worse than before.
        }
    }
}
