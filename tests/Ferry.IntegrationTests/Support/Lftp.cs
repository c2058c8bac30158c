using System.Globalization;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Support;

/// <summary>lftp as the tests run it: no rc files, its dialogue on stderr (-d), plain FTP, quick to give up, and failing loudly.</summary>
public static class Lftp
{
    public const string Settings =
        "set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 10; set net:reconnect-interval-base 1; set cmd:fail-exit yes; set xfer:clobber on; ";

    /// <summary>Runs <paramref name="commands"/> as the test user, then quits.</summary>
    public static Task<ClientResult> RunAsync(TestServer server, string commands) =>
        ClientProcess.RunAsync(
            "lftp",
            [
                "--norc",
                "-d",
                "-u", TestServer.UserName + "," + TestServer.Password,
                "-p", server.Port.ToString(CultureInfo.InvariantCulture),
                "-e", Settings + commands + "; quit",
                server.Host,
            ]);
}
