using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server;
using Ferry.Server.Security.Tls;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// DataTlsSessionReuse with real clients: curl and rclone resume the control connection's TLS
/// session on data connections, Python's ftplib does not unless taught to.
/// </summary>
public sealed class TlsSessionReuseTests
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Scripts", "ftps_session_reuse.py");
    private static readonly string NetFtpScript = Path.Combine(AppContext.BaseDirectory, "Scripts", "netftp_tls_modes.pl");

    [Fact]
    public async Task Required_refuses_a_data_connection_that_does_not_resume_with_425_naming_the_setting()
    {
        await using var server = await StartAsync(SessionReusePolicy.Required);
        var lines = await RunScriptAsync(server, "noreuse");
        Assert.StartsWith("150", lines["preliminary"], StringComparison.Ordinal);
        Assert.StartsWith("425", lines["final"], StringComparison.Ordinal);
        Assert.Contains("DataTlsSessionReuse", lines["final"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Required_accepts_python_when_it_resumes_the_session()
    {
        await using var server = await StartAsync(SessionReusePolicy.Required);
        Assert.Equal("3", (await RunScriptAsync(server, "reuse"))["ok"]);
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("1.3")]
    public async Task Required_accepts_curl_which_resumes_on_every_data_connection(string version)
    {
        await using var server = await StartAsync(SessionReusePolicy.Required);
        var url = $"ftp://127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}/";
        var result = (await ClientProcess.RunAsync("curl",
            ["-sS", "-k", "--ssl-reqd", "--tlsv" + version, "--tls-max", version, "--user", TestServer.UserName + ":" + TestServer.Password,
             url + "a.txt", url + "a.txt", url])).AssertSuccess();
        Assert.Equal(2, result.StdOut.Split("secret").Length - 2 + 1);
        Assert.Contains("a.txt", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Required_accepts_rclone_whose_connections_share_one_session_cache()
    {
        await using var server = await StartAsync(SessionReusePolicy.Required);
        var source = Directory.CreateTempSubdirectory("ferry-rclone-src-").FullName;
        try
        {
            for (var i = 0; i < 6; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(source, $"f{i}.txt"), new string('x', 1000 * (i + 1)));
            }

            var obscured = (await ClientProcess.RunAsync("rclone", ["obscure", TestServer.Password])).AssertSuccess().StdOut.Trim();
            string[] remote = ["--ftp-host", "127.0.0.1", "--ftp-port", server.Port.ToString(CultureInfo.InvariantCulture), "--ftp-user", TestServer.UserName,
                "--ftp-pass", obscured, "--ftp-explicit-tls", "--ftp-no-check-certificate", "--config", "/dev/null", "--retries", "1", "--low-level-retries", "1"];
            (await ClientProcess.RunAsync("rclone", ["copy", source, ":ftp:up", "--transfers", "4", .. remote])).AssertSuccess();
            (await ClientProcess.RunAsync("rclone", ["check", source, ":ftp:up", .. remote])).AssertSuccess();
            Assert.Equal(6, Directory.GetFiles(server.PathOf("up")).Length);
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    [Fact]
    public async Task Adaptive_serves_clients_that_never_resume()
    {
        await using var server = await StartAsync(SessionReusePolicy.Adaptive);
        var lines = await RunScriptAsync(server, "noreuse");
        Assert.StartsWith("226", lines["final"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adaptive_refuses_a_stranger_on_the_passive_port_once_the_client_has_resumed()
    {
        await using var server = await StartAsync(SessionReusePolicy.Adaptive);
        var lines = await RunScriptAsync(server, "thief");
        Assert.Equal("secret", lines["first"]);
        // The stranger's handshake may complete on its side, but it never gets a byte of the file.
        Assert.True(!lines.TryGetValue("stolen", out var stolen) || stolen == "b''", "the stranger received: " + stolen);
        Assert.StartsWith("425", lines["final"], StringComparison.Ordinal);
        Assert.Equal("secret", lines["again"]);
    }

    [Fact]
    public async Task Adaptive_serves_perl_net_ftp_which_resumes_on_active_connections_only()
    {
        // Net::FTP resumes on PORT connections, never on PASV ones: a resumed active connection
        // must not make the passive ones after it strict.
        await using var server = await StartAsync(SessionReusePolicy.Adaptive);
        var result = (await ClientProcess.RunAsync("perl",
            [NetFtpScript, "127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password, "a.txt",
             "active", "passive", "active", "passive"])).AssertSuccess();
        string[] expected = ["1-active: ok secret", "2-passive: ok secret", "3-active: ok secret", "4-passive: ok secret"];
        Assert.True(expected.SequenceEqual(result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)), result.Describe());
    }

    [Fact]
    public async Task Off_never_checks()
    {
        await using var server = await StartAsync(SessionReusePolicy.Off);
        var lines = await RunScriptAsync(server, "thief");
        Assert.StartsWith("226", lines["final"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exempt_users_and_addresses_are_not_held_to_required()
    {
        await using (var byUser = await StartAsync(SessionReusePolicy.Required, o => o.SessionReuseExemptUsers.Add(TestServer.UserName)))
        {
            Assert.StartsWith("226", (await RunScriptAsync(byUser, "noreuse"))["final"], StringComparison.Ordinal);
        }

        await using var byAddress = await StartAsync(SessionReusePolicy.Required, o => o.SessionReuseExemptAddresses.Add("127.0.0.0/8"));
        Assert.StartsWith("226", (await RunScriptAsync(byAddress, "noreuse"))["final"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_start_up_self_test_passes_on_this_runtime()
    {
        var certificates = TlsCertificateProvider.Create(null, null, null, Directory.CreateTempSubdirectory("ferry-selftest-").FullName);
        Assert.Null(TlsSessionSelfTest.Run(certificates.CreateServerOptions()));
    }

    private static async Task<TestServer> StartAsync(SessionReusePolicy policy, Action<FtpServerOptions>? configure = null)
    {
        var server = await TestServer.StartAsync(options =>
        {
            options.RequireTls = TlsRequirement.Everywhere;
            options.RequireDataTls = TlsRequirement.Everywhere;
            options.DataTlsSessionReuse = policy;
            configure?.Invoke(options);
        });
        await File.WriteAllTextAsync(server.PathOf("a.txt"), "secret");
        return server;
    }

    private static async Task<Dictionary<string, string>> RunScriptAsync(TestServer server, string mode)
    {
        var result = (await ClientProcess.RunAsync("python3",
            [Script, "127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password, mode])).AssertSuccess();
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
    }
}
