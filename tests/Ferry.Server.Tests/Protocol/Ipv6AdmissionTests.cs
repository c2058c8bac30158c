using System.Net;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Protocol;

/// <summary>
/// The per-address budgets over IPv6 on the wire. Loopback has one IPv6 address, so this shows
/// that ::1 is counted (by its /64, ::/64) at connect and at PASV; that different addresses of one
/// /64 share the count is shown in <see cref="Unit.AdmissionNetworkTests"/>.
/// </summary>
public sealed class Ipv6AdmissionTests
{
    [Fact]
    public async Task An_IPv6_client_is_held_to_the_per_address_budgets()
    {
        await using var server = await TestServer.StartAsync(options =>
        {
            options.MaxSessionsPerAddress = 3;
            options.MaxUnauthenticatedSessionsPerAddress = 1;
            options.MaxPassiveListenersPerAddress = 1;
        }, listenAddress: "::1");
        var loopback = IPAddress.IPv6Loopback;
        await using var first = await server.ConnectAsync(from: loopback);
        await using var silent = await server.ConnectAsync(login: false, from: loopback);

        await using (var refused = await WireClient.ConnectAsync(server.EndPoint, loopback))
        {
            Assert.Contains("have not logged in (at most 1)", (await refused.ExpectAsync(421)).Text, StringComparison.Ordinal);
        }

        await silent.LoginAsync(TestServer.UserName, TestServer.Password);
        await using var third = await server.ConnectAsync(from: loopback);
        await using (var refused = await WireClient.ConnectAsync(server.EndPoint, loopback))
        {
            Assert.Contains("Too many sessions from your address (at most 3)", (await refused.ExpectAsync(421)).Text, StringComparison.Ordinal);
        }

        await first.CommandAsync("EPSV", 229);
        Assert.Contains("from your address", (await third.CommandAsync("EPSV", 425)).Text, StringComparison.Ordinal);
    }
}
