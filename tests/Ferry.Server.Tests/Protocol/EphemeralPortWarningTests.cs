using System.Globalization;
using Ferry.Server.DataChannels;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Protocol;

/// <summary>
/// Issue 11, finding 6: a passive range inside the kernel's ephemeral range loses ports to
/// outgoing connections (138 of 401 in the probe). The server says so once at start, naming both
/// ranges and the fix; a range outside it starts silently.
/// </summary>
public sealed class EphemeralPortWarningTests
{
    private const int WarningEventId = 4031;

    [Fact]
    public async Task A_passive_range_inside_the_ephemeral_range_is_warned_about_once_and_one_outside_is_not()
    {
        var ephemeral = KernelEphemeralRange();
        var reserved = EphemeralPortOverlap.ReadReservedPorts();

        // Ten ports inside the range that the machine has not reserved (none are, usually).
        var inside = Enumerable.Range(ephemeral.Min, ephemeral.Max - ephemeral.Min - 9)
            .Select(start => (Min: start, Max: start + 9))
            .First(range => EphemeralPortOverlap.CountExposed(range, ephemeral, reserved) == 10);
        var log = new RecordingLog();
        await using (await TestServer.StartAsync(options => options.PassivePorts = $"{inside.Min}-{inside.Max}", log: log))
        {
            var warning = Assert.Single(log.Messages(WarningEventId));
            Assert.Contains($"{inside.Min}-{inside.Max}", warning, StringComparison.Ordinal);
            Assert.Contains($"{ephemeral.Min}-{ephemeral.Max}", warning, StringComparison.Ordinal);
            Assert.Contains("ip_local_reserved_ports", warning, StringComparison.Ordinal);
            Assert.Contains("10 passive ports", warning, StringComparison.Ordinal);
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, log.Entries.Single(entry => entry.EventId == WarningEventId).Level);
        }

        var outside = ephemeral.Min >= 1024 + 10 ? (Min: ephemeral.Min - 10, Max: ephemeral.Min - 1) : (Min: ephemeral.Max + 1, Max: ephemeral.Max + 10);
        var quiet = new RecordingLog();
        await using (await TestServer.StartAsync(options => options.PassivePorts = $"{outside.Min}-{outside.Max}", log: quiet))
        {
            Assert.Empty(quiet.Messages(WarningEventId));
        }

        // No range (the OS picks each port) is nothing to warn about.
        var none = new RecordingLog();
        await using (await TestServer.StartAsync(log: none))
        {
            Assert.Empty(none.Messages(WarningEventId));
        }
    }

    [Fact]
    public void Reserved_ports_are_not_counted_as_exposed()
    {
        Assert.Equal(1000, EphemeralPortOverlap.CountExposed((50000, 50999), (32768, 60999), []));
        Assert.Equal(0, EphemeralPortOverlap.CountExposed((50000, 50999), (32768, 60999), [(50000, 50999)]));
        Assert.Equal(500, EphemeralPortOverlap.CountExposed((50000, 50999), (32768, 60999), [(49000, 50499)]));
        Assert.Equal(0, EphemeralPortOverlap.CountExposed((61000, 61999), (32768, 60999), []));
        Assert.Equal(1, EphemeralPortOverlap.CountExposed((60999, 61999), (32768, 60999), []));
    }

    private static (int Min, int Max) KernelEphemeralRange()
    {
        // Read here on its own, so the test does not trust the parser it checks.
        var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture));
    }
}
