using System.Globalization;

namespace Ferry.IntegrationTests.Host;

/// <summary>What the kernel says about processes (/proc), not what they print about themselves.</summary>
internal static class ProcessTable
{
    /// <summary>Live processes whose command line contains every one of <paramref name="parts"/>.</summary>
    public static IReadOnlyList<int> Find(params string[] parts)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string[] arguments;
            try
            {
                arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (parts.All(part => arguments.Contains(part, StringComparer.Ordinal)) && IsAlive(pid))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>The four ids of a "Uid:" or "Gid:" line: real, effective, saved, filesystem.</summary>
    public static uint[] Ids(int pid, string line) =>
        [.. Status(pid, line).Split('\t', StringSplitOptions.RemoveEmptyEntries).Select(id => uint.Parse(id, CultureInfo.InvariantCulture))];

    public static int ParentOf(int pid) => int.Parse(Status(pid, "PPid"), CultureInfo.InvariantCulture);

    /// <summary>Running or sleeping; false once gone or a zombie (exited, not yet reaped).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            return !Status(pid, "State").StartsWith('Z');
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Status(int pid, string key) =>
        File.ReadLines($"/proc/{pid}/status").First(line => line.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();
}
