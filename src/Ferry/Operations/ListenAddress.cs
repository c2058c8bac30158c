using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Ferry.Operations;

/// <summary>
/// Operations:Listen's form: an IP address and a port, IPv6 in brackets ("127.0.0.1:9121",
/// "[::1]:9121"). No host names: a name that resolves to several addresses, or to another one
/// tomorrow, would make the loopback check meaningless.
/// </summary>
internal static class ListenAddress
{
    public static bool TryParse(string text, [NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        ArgumentNullException.ThrowIfNull(text);
        endPoint = null;
        string address;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            address = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':') != colon)
            {
                // No port, or an IPv6 address without brackets (where would its port start?).
                return false;
            }

            address = text[..colon];
            port = text[(colon + 1)..];
        }

        if (!IPAddress.TryParse(address, out var ip) || (text.StartsWith('[') != (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6))
            || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            return false;
        }

        endPoint = new IPEndPoint(ip, number);
        return true;
    }
}
