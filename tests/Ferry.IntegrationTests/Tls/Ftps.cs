using Ferry.Server;
using Ferry.Server.Security.Tls;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Tls;

/// <summary>What the real-client FTPS tests share.</summary>
internal static class Ftps
{
    /// <summary>
    /// A test server that refuses plain-text logins and plain-text data connections even on
    /// loopback, so a client that gets anything done has proved it used TLS on both.
    /// </summary>
    public static Task<TestServer> StartStrictAsync(Action<FtpServerOptions>? configure = null) =>
        TestServer.StartAsync(options =>
        {
            options.RequireTls = TlsRequirement.Everywhere;
            options.RequireDataTls = TlsRequirement.Everywhere;
            configure?.Invoke(options);
        });

    public static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
