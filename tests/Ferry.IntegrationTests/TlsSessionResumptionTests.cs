using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// TLS sessions must be resumable across connections: data-connection session reuse (FileZilla,
/// lftp, curl) depends on it, and a .NET CipherSuitesPolicy silently breaks it.
/// </summary>
public sealed class TlsSessionResumptionTests
{
    [Fact]
    public async Task Tls_1_2_sessions_resume_on_later_connections()
    {
        await using var server = await TestServer.StartAsync();
        // -reconnect: one full handshake, then five more that offer the first session.
        var result = (await ClientProcess.RunAsync("openssl",
            ["s_client", "-starttls", "ftp", "-connect", Target(server), "-tls1_2", "-reconnect"], stdin: "")).AssertSuccess();
        Assert.Contains("New, TLSv1.2", result.StdOut, StringComparison.Ordinal);
        Assert.True(result.StdOut.Split('\n').Count(line => line.StartsWith("Reused, TLSv1.2", StringComparison.Ordinal)) >= 4, result.Describe());
    }

    [Fact]
    public async Task Tls_1_3_tickets_resume_on_a_later_connection()
    {
        await using var server = await TestServer.StartAsync();
        var session = Path.Combine(server.Folder, "tls13.session");
        // A TLS 1.3 ticket arrives after the handshake: keep the client up for a moment (bounded
        // by `sleep 1`) so that -sess_out has a ticket to save.
        (await ClientProcess.RunAsync("bash",
            ["-c", $"(printf 'NOOP\\r\\n'; sleep 1) | openssl s_client -starttls ftp -connect {Target(server)} -tls1_3 -sess_out '{session}'"])).AssertSuccess();
        var resumed = (await ClientProcess.RunAsync("openssl",
            ["s_client", "-starttls", "ftp", "-connect", Target(server), "-tls1_3", "-sess_in", session], stdin: "NOOP\r\n")).AssertSuccess();
        Assert.Contains("Reused, TLSv1.3", resumed.StdOut, StringComparison.Ordinal);
    }

    private static string Target(TestServer server) => "127.0.0.1:" + server.Port.ToString(CultureInfo.InvariantCulture);
}
