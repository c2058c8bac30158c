namespace Ferry.Hosting;

/// <summary>
/// DataDir/ferry.pid: the running server's process id, so `ferry reload` finds what to send
/// SIGHUP to without a PID guess (systemd does not need it: ExecReload has $MAINPID).
/// </summary>
internal static class ProcessIdFile
{
    private const string FileName = "ferry.pid";

    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    public static void Write(string dataDir) =>
        File.WriteAllText(PathIn(dataDir), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");

    /// <summary>Removed at a clean stop, only when it still names this process.</summary>
    public static void Remove(string dataDir)
    {
        try
        {
            if (Read(dataDir) == Environment.ProcessId)
            {
                File.Delete(PathIn(dataDir));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Stale files are recognised by `ferry reload` anyway.
        }
    }

    /// <summary>The process id written there; null when there is no file or it holds no number.</summary>
    public static int? Read(string dataDir)
    {
        var path = PathIn(dataDir);
        if (!File.Exists(path))
        {
            return null;
        }

        return int.TryParse(File.ReadAllText(path).Trim(), out var pid) && pid > 0 ? pid : null;
    }

    /// <summary>Whether <paramref name="processId"/> is a running `ferry serve` (a pid file outlives a killed server, and pids are reused).</summary>
    public static bool IsFerryServer(int processId)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{processId}/cmdline").Split('\0');
            return arguments.Contains("serve") && arguments.Any(argument => Path.GetFileName(argument) is "ferry" or "ferry.dll");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
