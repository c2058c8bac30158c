using System.Net;
using Ferry.Server.Connections;
using Ferry.Server.DataChannels;
using Ferry.Server.Security;

namespace Ferry.Server.Tests.Unit;

/// <summary>
/// The per-address budgets count an IPv6 client by the network its bans use (BanIPv6PrefixLength,
/// /64 by default), through the one function AddressBans.Key: a host that owns a /64 cannot take
/// a place per address of it. Loopback has one IPv6 address (::1), so the grouping is checked
/// here with documentation addresses (RFC 3849) and the IPv6 wire path in
/// <see cref="Protocol.Ipv6AdmissionTests"/>.
/// </summary>
public sealed class AdmissionNetworkTests
{
    private static readonly IPAddress A1 = IPAddress.Parse("2001:db8:1:2::1");
    private static readonly IPAddress A2 = IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:fffe");
    private static readonly IPAddress A3 = IPAddress.Parse("2001:db8:1:2:abcd::3");
    private static readonly IPAddress OtherNetwork = IPAddress.Parse("2001:db8:1:3::1");

    [Fact]
    public void Sessions_from_one_IPv6_64_share_MaxSessionsPerAddress()
    {
        var admission = Create(new FtpServerOptions { MaxSessionsPerAddress = 2, MaxUnauthenticatedSessionsPerAddress = 0 });
        Assert.True(admission.TryAdmit(A1, out _, out _));
        Assert.True(admission.TryAdmit(A2, out _, out _));
        Assert.False(admission.TryAdmit(A3, out _, out var refusal));
        Assert.Contains("your address", refusal, StringComparison.Ordinal);
        Assert.True(admission.TryAdmit(OtherNetwork, out _, out _));
    }

    [Fact]
    public void Connections_not_logged_in_from_one_IPv6_64_share_their_budget_and_a_login_frees_a_place()
    {
        var admission = Create(new FtpServerOptions { MaxUnauthenticatedSessionsPerAddress = 2 });
        Assert.True(admission.TryAdmit(A1, out var first, out _));
        Assert.True(admission.TryAdmit(A2, out _, out _));
        Assert.False(admission.TryAdmit(A3, out _, out _));
        Assert.True(admission.TryAdmit(OtherNetwork, out _, out _));

        first.SetLoggedIn(true);
        Assert.True(admission.TryAdmit(A3, out var third, out _));
        Assert.Equal(3, admission.UnauthenticatedSessions);
        third.Dispose();
        first.Dispose();
        Assert.Equal(2, admission.UnauthenticatedSessions);
        Assert.Equal(2, admission.Sessions);
    }

    [Fact]
    public void Prefix_128_counts_single_IPv6_addresses()
    {
        var admission = Create(new FtpServerOptions { MaxSessionsPerAddress = 1, BanIPv6PrefixLength = 128 });
        Assert.True(admission.TryAdmit(A1, out _, out _));
        Assert.True(admission.TryAdmit(A2, out _, out _));
        Assert.False(admission.TryAdmit(A1, out _, out _));
    }

    [Fact]
    public void Passive_listeners_from_one_IPv6_64_share_MaxPassiveListenersPerAddress()
    {
        var options = new FtpServerOptions { MaxPassiveListenersPerAddress = 2 };
        var budget = new PassiveListenerBudget(options.MaxPassiveListenersPerAddress, new AddressBans(options, TimeProvider.System).Key);
        var first = budget.TryReserve(A1);
        Assert.NotNull(first);
        Assert.NotNull(budget.TryReserve(A2));
        Assert.Null(budget.TryReserve(A3));
        Assert.NotNull(budget.TryReserve(OtherNetwork));

        first.Release();
        first.Release();
        Assert.Equal(1, budget.PendingFor(A3));
        Assert.NotNull(budget.TryReserve(A3));
        Assert.Null(budget.TryReserve(A1));
    }

    private static AdmissionControl Create(FtpServerOptions options) => new(options, new AddressBans(options, TimeProvider.System).Key);
}
