using System.Globalization;
using System.Text.RegularExpressions;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Docs;

/// <summary>
/// The files in packaging/ agree with each other and with the server's defaults (issue 12): the
/// fail2ban jail bans every port the systemd units make Ferry listen on, and the account the
/// service runs as is one that a shipped sysusers.d file creates.
/// </summary>
public sealed partial class PackagingTests
{
    private static readonly FtpServerOptions Defaults = new();

    public static TheoryData<int> PortsFerryListensOn()
    {
        var ports = new SortedSet<int> { Defaults.Port, Defaults.ImplicitTlsPort };
        // Commented ListenStream lines count too: the unit's comments invite enabling them.
        foreach (Match listen in ListenStream().Matches(Read("systemd", "ferry.socket")))
        {
            ports.Add(int.Parse(listen.Groups["port"].Value, CultureInfo.InvariantCulture));
        }

        var passive = Defaults.ParsedPassivePorts!.Value;
        ports.Add(passive.Min);
        ports.Add(passive.Max);
        var data = new TheoryData<int>();
        foreach (var port in ports)
        {
            data.Add(port);
        }

        return data;
    }

    [Fact]
    public void The_socket_unit_listens_on_port_21()
    {
        Assert.Contains(ListenStream().Matches(Read("systemd", "ferry.socket")), listen => listen.Groups["port"].Value == "21" && !listen.Value.StartsWith('#'));
    }

    [Theory]
    [MemberData(nameof(PortsFerryListensOn))]
    public void The_fail2ban_jail_bans_the_port(int port)
    {
        var jail = Read("fail2ban", "jail.d", "ferry.conf");
        var line = JailPorts().Match(jail);
        Assert.True(line.Success, "the jail has no port = line");
        var banned = line.Groups["ports"].Value.Split(',', StringSplitOptions.TrimEntries).Any(entry => Covers(entry, port));
        Assert.True(banned, $"port {port} is not in the jail's port list '{line.Groups["ports"].Value}'.");
    }

    [Fact]
    public void The_service_unit_waits_for_ready_reloads_with_sighup_and_leaves_room_for_the_drain()
    {
        var service = Read("systemd", "ferry.service");
        string Setting(string name) =>
            new Regex($"^{name}=(?<value>.*)$", RegexOptions.Multiline).Match(service) is { Success: true } match
                ? match.Groups["value"].Value.Trim()
                : throw new Xunit.Sdk.XunitException($"ferry.service has no {name}=");

        // READY=1 comes from the process itself (SystemdNotifications); Type=simple would call the
        // service started before its ports are bound.
        Assert.Equal("notify", Setting("Type"));
        Assert.Equal("/bin/kill -HUP $MAINPID", Setting("ExecReload"));
        Assert.Equal("0700", Setting("StateDirectoryMode"));

        // systemd's SIGKILL must not cut the graceful stop: the drain, the sessions' 421 and a margin.
        var stopTimeout = TimeSpan.FromSeconds(int.Parse(Setting("TimeoutStopSec"), CultureInfo.InvariantCulture));
        Assert.True(stopTimeout > Defaults.ShutdownDrainTimeout + FtpServer.StopDeadline,
            $"TimeoutStopSec={stopTimeout.TotalSeconds} leaves no room for ShutdownDrainTimeout ({Defaults.ShutdownDrainTimeout}) and the stop deadline ({FtpServer.StopDeadline}).");
    }

    [Fact]
    public void The_service_account_is_made_by_the_shipped_sysusers_file()
    {
        var service = Read("systemd", "ferry.service");
        var user = Regex.Match(service, @"^User=(\S+)$", RegexOptions.Multiline).Groups[1].Value;
        var group = Regex.Match(service, @"^Group=(\S+)$", RegexOptions.Multiline).Groups[1].Value;
        var state = Regex.Match(service, @"^StateDirectory=(\S+)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal("ferry", user);
        Assert.DoesNotMatch(new Regex(@"^DynamicUser=yes", RegexOptions.Multiline), service);

        // sysusers.d(5): "u NAME ID GECOS HOME SHELL"; "-" as ID makes a group of the same name too.
        var sysusers = Read("sysusers.d", "ferry.conf");
        var entry = Regex.Match(sysusers, @"^u\s+(?<name>\S+)\s+-\s+""[^""]*""\s+(?<home>\S+)\s+(?<shell>\S+)\s*$", RegexOptions.Multiline);
        Assert.True(entry.Success, "packaging/sysusers.d/ferry.conf has no 'u' line");
        Assert.Equal(user, entry.Groups["name"].Value);
        Assert.Equal(user, group);
        Assert.Equal("/var/lib/" + state, entry.Groups["home"].Value);
        Assert.Equal("/usr/sbin/nologin", entry.Groups["shell"].Value);
        Assert.Contains("systemd-sysusers", service, StringComparison.Ordinal);
    }

    private static bool Covers(string entry, int port)
    {
        var bounds = entry.Split(':');
        var low = int.Parse(bounds[0], CultureInfo.InvariantCulture);
        var high = bounds.Length == 2 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : low;
        return port >= low && port <= high;
    }

    private static string Read(params string[] parts) => File.ReadAllText(RepositoryPaths.Combine(["packaging", .. parts]));

    // "ListenStream=21", "ListenStream=[::]:21", "ListenStream=0.0.0.0:990", also as "# ListenStream=990".
    [GeneratedRegex(@"^#?\s*ListenStream=(?:.*:)?(?<port>\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ListenStream();

    [GeneratedRegex(@"^port\s*=\s*(?<ports>[0-9:,\s]+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex JailPorts();
}
