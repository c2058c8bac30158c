using System.Net;

namespace Ferry.Server.Security.Tls;

internal static class TlsPolicy
{
    /// <summary>Whether <paramref name="requirement"/> applies to a client at <paramref name="remote"/>.</summary>
    public static bool Applies(TlsRequirement requirement, IPAddress remote) => requirement switch
    {
        TlsRequirement.Everywhere => true,
        TlsRequirement.ExceptLoopback => !IPAddress.IsLoopback(remote),
        _ => false,
    };
}
