using System.Net;
using System.Net.Sockets;

namespace Ferry.Server.DataChannels;

/// <summary>Comparisons that treat an IPv4-mapped IPv6 address (from a dual-stack listener) as the IPv4 address it is.</summary>
internal static class AddressRules
{
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool SameHost(IPAddress a, IPAddress b) => Normalize(a).Equals(Normalize(b));

    /// <summary>An address ("192.0.2.7", a /32 or /128) or a CIDR network ("192.0.2.0/24"); FormatException otherwise.</summary>
    public static IPNetwork ParseNetwork(string text)
    {
        text = text.Trim();
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var single))
        {
            single = Normalize(single);
            return new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }

        return IPNetwork.Parse(text);
    }
}
