using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Tls;

/// <summary>
/// curl (OpenSSL) with explicit FTPS (--ssl-reqd: AUTH, PBSZ 0, PROT P) and implicit FTPS
/// (ftps://). The certificate is the test server's self-signed one, hence -k.
/// </summary>
public sealed class CurlFtpsTests
{
    private static readonly string UserArgument = TestServer.UserName + ":" + TestServer.Password;

    public static TheoryData<string> Versions => new() { "default", "1.2", "1.3" };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task List_upload_download_and_resume_over_explicit_tls(string version)
    {
        await using var server = await Ftps.StartStrictAsync();
        using var local = new TempFolder("curl-ftps");
        var existing = FileTree.WriteRandomFile(server.PathOf("there.bin"), 1_500_000);
        Directory.CreateDirectory(server.PathOf("sub dir"));

        var list = (await CurlAsync(version, Url(server, "/"))).AssertSuccess();
        Assert.Contains(" there.bin", list.StdOut, StringComparison.Ordinal);
        Assert.Contains(" sub dir", list.StdOut, StringComparison.Ordinal);
        AssertNegotiated(list, version);

        var source = local.Combine("up.bin");
        var uploaded = FileTree.WriteRandomFile(source, 700_001);
        (await CurlAsync(version, "--ftp-create-dirs", "-T", source, Url(server, "/new/nested%20dir/up.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(uploaded), FileTree.Sha256OfFile(server.PathOf(Path.Combine("new", "nested dir", "up.bin"))));

        var target = local.Combine("there.bin");
        (await CurlAsync(version, "-o", target, Url(server, "/there.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(existing), FileTree.Sha256OfFile(target));

        // -C -: curl asks SIZE of nothing, sends REST with the local length and appends the rest.
        File.WriteAllBytes(target, existing[..654_321]);
        var resumed = (await CurlAsync(version, "-C", "-", "-o", target, Url(server, "/there.bin"))).AssertSuccess();
        Assert.Contains("> REST 654321", resumed.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(existing), FileTree.Sha256OfFile(target));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Eight_MiB_upload_arrives_whole(string version)
    {
        await using var server = await Ftps.StartStrictAsync();
        using var local = new TempFolder("curl-ftps");
        var source = local.Combine("big.bin");
        var bytes = FileTree.WriteRandomFile(source, 8 * 1024 * 1024);

        var result = (await CurlAsync(version, "-T", source, Url(server, "/big.bin"))).AssertSuccess();
        Assert.Contains("< 226", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf("big.bin")));

        (await CurlAsync(version, "-o", local.Combine("back.bin"), Url(server, "/big.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("back.bin")));
    }

    [Fact]
    public async Task Verbose_output_shows_the_security_exchange_and_protected_data()
    {
        await using var server = await Ftps.StartStrictAsync();
        File.WriteAllText(server.PathOf("a.txt"), "protected");

        var result = (await CurlAsync("default", "-o", "-", Url(server, "/a.txt"))).AssertSuccess();
        Assert.Equal("protected", result.StdOut);
        // curl 7.88 tries "AUTH SSL" first and falls back to "AUTH TLS" on a 4xx/5xx; Ferry takes
        // both (RFC 4217 §16), so either is the security exchange here, answered with 234.
        var auth = ReplyTo(result, "AUTH SSL") is { } ssl && ssl.StartsWith("234 ", StringComparison.Ordinal) ? "AUTH SSL" : "AUTH TLS";
        Assert.StartsWith("234 ", ReplyTo(result, auth) ?? "(no " + auth + " sent) " + result.Describe(), StringComparison.Ordinal);
        Assert.StartsWith("200 ", ReplyTo(result, "PBSZ 0") ?? "(no PBSZ 0 sent) " + result.Describe(), StringComparison.Ordinal);
        Assert.StartsWith("200 ", ReplyTo(result, "PROT P") ?? "(no PROT P sent) " + result.Describe(), StringComparison.Ordinal);
        Assert.DoesNotContain("> PROT C", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("SSL connection using TLSv1.3", result.StdErr, StringComparison.Ordinal);
        // The server ends the RETR data connection with close_notify, not a bare FIN.
        Assert.Contains("(IN), TLS alert, close notify", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_ftp_is_refused_by_the_strict_server()
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await ClientProcess.RunAsync("curl", ["-sS", "-v", "--max-time", "30", "--user", UserArgument, Url(server, "/")]);
        // 530 on USER: curl's "access denied" (67).
        result.AssertExitCode(67);
        Assert.Contains("< 530", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Implicit_tls_lists_and_downloads()
    {
        await using var server = await Ftps.StartStrictAsync(o =>
        {
            o.ImplicitTls = true;
            o.ImplicitTlsPort = 0;
        });
        using var local = new TempFolder("curl-ftps");
        var bytes = FileTree.WriteRandomFile(server.PathOf("implicit.bin"), 2 * 1024 * 1024 + 1);
        var endPoint = server.Server.ImplicitTlsEndPoint;
        Assert.NotNull(endPoint);
        var url = $"ftps://127.0.0.1:{Ftps.Port(endPoint.Port)}/";

        var list = (await ImplicitCurlAsync("--list-only", url)).AssertSuccess();
        Assert.Equal("implicit.bin", list.StdOut.Trim());
        // Implicit: TLS from the first byte, so no AUTH at all, but still PBSZ/PROT P.
        Assert.DoesNotContain("> AUTH", list.StdErr, StringComparison.Ordinal);
        Assert.Contains("> PROT P", list.StdErr, StringComparison.Ordinal);

        var target = local.Combine("implicit.bin");
        (await ImplicitCurlAsync("-o", target, url + "implicit.bin")).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(target));
    }

    /// <summary>The first reply line curl -v shows after it sent <paramref name="command"/> (TLS trace lines come between).</summary>
    private static string? ReplyTo(ClientResult result, string command)
    {
        var lines = result.StdErr.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var sent = lines.IndexOf("> " + command);
        return sent < 0 ? null : lines.Skip(sent + 1).FirstOrDefault(l => l.StartsWith("< ", StringComparison.Ordinal))?[2..];
    }

    private static void AssertNegotiated(ClientResult result, string version)
    {
        var expected = version switch
        {
            "1.2" => "SSL connection using TLSv1.2 / ECDHE-",
            _ => "SSL connection using TLSv1.3 / TLS_",
        };
        Assert.True(result.StdErr.Contains(expected, StringComparison.Ordinal), $"expected '{expected}': {result.Describe()}");
    }

    private static Task<ClientResult> CurlAsync(string version, params string[] arguments)
    {
        string[] versionArguments = version switch
        {
            "1.2" => ["--tlsv1.2", "--tls-max", "1.2"],
            "1.3" => ["--tlsv1.3"],
            _ => [],
        };
        return ClientProcess.RunAsync(
            "curl",
            ["-sS", "-v", "--max-time", "50", "--connect-timeout", "10", "--ssl-reqd", "-k", .. versionArguments, "--user", UserArgument, .. arguments]);
    }

    private static Task<ClientResult> ImplicitCurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "-v", "--max-time", "50", "--connect-timeout", "10", "-k", "--user", UserArgument, .. arguments]);

    private static string Url(TestServer server, string path) => $"ftp://{server.UrlHost}:{Ftps.Port(server.Port)}{path}";
}
