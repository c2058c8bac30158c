using System.Net;

namespace Ferry.Server.DataChannels;

/// <summary>Comparisons that treat an IPv4-mapped IPv6 address (from a dual-stack listener) as the IPv4 address it is.</summary>
internal static class AddressRules
{
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool SameHost(IPAddress a, IPAddress b) => Normalize(a).Equals(Normalize(b));
}
