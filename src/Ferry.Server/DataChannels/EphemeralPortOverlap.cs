using System.Globalization;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.DataChannels;

/// <summary>
/// Warns at start when the passive range lies inside the kernel's ephemeral port range: Linux
/// gives those ports to outgoing connections (and to other programs' bind to port 0), and a
/// passive port in use there cannot be bound, so PASV runs short with no fault of Ferry's (issue
/// 11, finding 6: the stock 50000-50999 inside Linux's 32768-60999 lost 138 of 401 ports in the
/// probe). Ports listed in net.ipv4.ip_local_reserved_ports are never handed out by the kernel,
/// so reserving the range is a fix as good as moving it, and silences the warning.
/// </summary>
internal static class EphemeralPortOverlap
{
    private const string PortRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
    private const string ReservedPortsFile = "/proc/sys/net/ipv4/ip_local_reserved_ports";

    /// <summary>Logs one warning when <paramref name="passive"/> overlaps the ephemeral range outside the reserved ports; nothing without a range or off Linux.</summary>
    public static void WarnIfOverlapping((int Min, int Max)? passive, ILogger logger)
    {
        if (passive is not { } range || ReadEphemeralRange() is not { } ephemeral)
        {
            return;
        }

        var overlap = CountExposed(range, ephemeral, ReadReservedPorts());
        if (overlap > 0)
        {
            FerryLog.PassivePortsInEphemeralRange(logger, range.Min, range.Max, ephemeral.Min, ephemeral.Max, overlap);
        }
    }

    /// <summary>Passive ports the kernel may hand out: inside the ephemeral range and not reserved.</summary>
    internal static int CountExposed((int Min, int Max) passive, (int Min, int Max) ephemeral, IReadOnlyList<(int Min, int Max)> reserved)
    {
        var count = 0;
        for (var port = Math.Max(passive.Min, ephemeral.Min); port <= Math.Min(passive.Max, ephemeral.Max); port++)
        {
            if (!reserved.Any(r => port >= r.Min && port <= r.Max))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The "32768\t60999" of ip_local_port_range; null when it cannot be read (not Linux, no /proc).</summary>
    internal static (int Min, int Max)? ReadEphemeralRange()
    {
        var fields = ReadOrEmpty(PortRangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 2 && TryPort(fields[0], out var min) && TryPort(fields[1], out var max) && min <= max ? (min, max) : null;
    }

    /// <summary>The "1000,50000-50999" of ip_local_reserved_ports (empty when none or unreadable).</summary>
    internal static IReadOnlyList<(int Min, int Max)> ReadReservedPorts()
    {
        var ranges = new List<(int Min, int Max)>();
        foreach (var item in ReadOrEmpty(ReservedPortsFile).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = item.Split('-');
            if (bounds.Length is 1 or 2 && TryPort(bounds[0], out var min) && TryPort(bounds[^1], out var max))
            {
                ranges.Add((min, max));
            }
        }

        return ranges;
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;
}
