using System.Text.RegularExpressions;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Tls;

/// <summary>
/// openssl s_client against the control connection, explicit (-starttls ftp: 220, AUTH TLS, 234)
/// and implicit: which protocol versions and TLS 1.2 cipher suites the server accepts.
/// </summary>
public sealed partial class OpensslTests
{
    /// <summary>
    /// OpenSSL 3 refuses TLS 1.0 and 1.1 itself at its default security level 1 (no SHA-1
    /// signatures); at level 0 the ClientHello goes out, so the refusal seen is the server's.
    /// </summary>
    private const string LegacyCiphers = "DEFAULT:@SECLEVEL=0";

    [Theory]
    [InlineData("-tls1")]
    [InlineData("-tls1_1")]
    public async Task Tls_1_0_and_1_1_are_refused_by_the_server(string version)
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await SClientAsync(["-starttls", "ftp", "-connect", $"127.0.0.1:{Ftps.Port(server.Port)}", version, "-cipher", LegacyCiphers]);

        Assert.True(result.ExitCode != 0, result.Describe());
        Assert.Equal(("(NONE)", "(NONE)"), Negotiated(result));
        // Alert 70, protocol_version: sent by the server after it read the ClientHello.
        Assert.True(result.StdErr.Contains("alert protocol version", StringComparison.Ordinal), result.Describe());
    }

    [Theory]
    [InlineData("-tls1_2", "TLSv1.2")]
    [InlineData("-tls1_3", "TLSv1.3")]
    public async Task Tls_1_2_and_1_3_are_accepted(string version, string expected)
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await SClientAsync(["-starttls", "ftp", "-connect", $"127.0.0.1:{Ftps.Port(server.Port)}", version]);

        var (protocol, cipher) = Negotiated(result);
        Assert.Equal(expected, protocol);
        Assert.NotEqual("(NONE)", cipher);
        // After the handshake the server answers the QUIT sent inside TLS.
        Assert.Contains("221", result.StdOut, StringComparison.Ordinal);
        if (expected == "TLSv1.2")
        {
            Assert.Matches(EcdheAead(), cipher);
        }
        else
        {
            Assert.Contains(cipher, new[] { "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256" });
        }
    }

    /// <summary>
    /// The README's policy: TLS 1.2 takes only the forward-secret ECDHE suites with AES-GCM or
    /// ChaCha20-Poly1305 (set on OpenSSL's shared context, so sessions still resume); CBC suites,
    /// suites without forward secrecy (RSA key transport) and finite-field DHE are refused.
    /// </summary>
    [Theory]
    [InlineData("ECDHE-RSA-AES256-GCM-SHA384", true)]
    [InlineData("ECDHE-RSA-AES128-GCM-SHA256", true)]
    [InlineData("ECDHE-RSA-CHACHA20-POLY1305", true)]
    [InlineData("ECDHE-RSA-AES256-SHA384", false)]
    [InlineData("ECDHE-RSA-AES128-SHA256", false)]
    [InlineData("ECDHE-RSA-AES128-SHA", false)]
    [InlineData("ECDHE-RSA-AES256-SHA", false)]
    [InlineData("AES128-GCM-SHA256", false)]
    [InlineData("AES256-SHA", false)]
    [InlineData("DHE-RSA-AES128-GCM-SHA256", false)]
    public async Task Tls_1_2_takes_only_forward_secret_ECDHE_suites_without_SHA_1(string cipher, bool accepted)
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await SClientAsync(["-starttls", "ftp", "-connect", $"127.0.0.1:{Ftps.Port(server.Port)}", "-tls1_2", "-cipher", cipher]);

        if (accepted)
        {
            Assert.Equal(("TLSv1.2", cipher), Negotiated(result));
        }
        else
        {
            Assert.True(result.ExitCode != 0, result.Describe());
            Assert.Equal("(NONE)", Negotiated(result).Cipher);
            // handshake_failure (40): the server shares none of the offered suites.
            Assert.True(result.StdErr.Contains("alert handshake failure", StringComparison.Ordinal), result.Describe());
        }
    }

    [Theory]
    [InlineData("-tls1_1", false)]
    [InlineData("-tls1_2", true)]
    [InlineData("-tls1_3", true)]
    public async Task Implicit_tls_port_has_the_same_versions(string version, bool accepted)
    {
        await using var server = await Ftps.StartStrictAsync(o =>
        {
            o.ImplicitTls = true;
            o.ImplicitTlsPort = 0;
        });
        var endPoint = server.Server.ImplicitTlsEndPoint;
        Assert.NotNull(endPoint);
        string[] extra = accepted ? [] : ["-cipher", LegacyCiphers];
        var result = await SClientAsync(["-connect", $"127.0.0.1:{Ftps.Port(endPoint.Port)}", version, .. extra]);

        if (accepted)
        {
            Assert.NotEqual("(NONE)", Negotiated(result).Cipher);
            // The greeting comes inside TLS, then the answer to QUIT.
            Assert.Contains("220 ", result.StdOut, StringComparison.Ordinal);
            Assert.Contains("221", result.StdOut, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(result.ExitCode != 0, result.Describe());
            Assert.Equal("(NONE)", Negotiated(result).Cipher);
            Assert.True(result.StdErr.Contains("alert protocol version", StringComparison.Ordinal), result.Describe());
        }
    }

    /// <summary>
    /// After 221 the server closes the control connection; TLS (RFC 8446 §6.1) wants its
    /// close_notify first, else OpenSSL 3 clients see "unexpected eof while reading" and cannot
    /// tell a clean end from a truncation.
    /// </summary>
    [Theory]
    [InlineData("-tls1_2", false)]
    [InlineData("-tls1_3", false)]
    [InlineData("-tls1_3", true)]
    public async Task Control_connection_ends_with_close_notify_after_QUIT(string version, bool implicitTls)
    {
        await using var server = await Ftps.StartStrictAsync(o =>
        {
            o.ImplicitTls = implicitTls;
            o.ImplicitTlsPort = 0;
        });
        string[] target = implicitTls
            ? ["-connect", $"127.0.0.1:{Ftps.Port(server.Server.ImplicitTlsEndPoint!.Port)}"]
            : ["-starttls", "ftp", "-connect", $"127.0.0.1:{Ftps.Port(server.Port)}"];
        var result = await SClientAsync([.. target, version]);

        Assert.Contains("221", result.StdOut, StringComparison.Ordinal);
        Assert.True(!result.StdErr.Contains("unexpected eof", StringComparison.Ordinal), "the server closed the TLS control connection without close_notify: " + result.Describe());
        result.AssertSuccess();
    }

    /// <summary>From s_client's "New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256" line.</summary>
    private static (string Protocol, string Cipher) Negotiated(ClientResult result)
    {
        var match = NewSessionLine().Match(result.StdOut);
        Assert.True(match.Success, "no 'New, ..., Cipher is ...' line: " + result.Describe());
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    private static Task<ClientResult> SClientAsync(string[] arguments) =>
        // -crlf: the QUIT on stdin goes out as "QUIT\r\n". -nocommands: a line starting with Q is
        // sent, not taken as s_client's own "quit". -ign_eof: s_client waits for the server to close.
        // No -verify_return_error: the test certificate is self-signed, which s_client reports but accepts.
        ClientProcess.RunAsync("openssl", ["s_client", "-crlf", "-nocommands", "-ign_eof", "-servername", "localhost", .. arguments], stdin: "QUIT\n", timeout: TimeSpan.FromSeconds(30));

    [GeneratedRegex(@"^New, (\S+), Cipher is (\S+)", RegexOptions.Multiline)]
    private static partial Regex NewSessionLine();

    [GeneratedRegex(@"^ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$")]
    private static partial Regex EcdheAead();
}
