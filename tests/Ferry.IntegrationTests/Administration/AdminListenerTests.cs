using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Host;

namespace Ferry.IntegrationTests.Administration;

/// <summary>
/// Where the admin API listens and how it is locked: the Unix socket DATADIR/admin.sock (0600) with
/// the CLI token written at every start, even without Operations:Listen; HTTPS with the FTP
/// server's own certificate (Operations:Tls); the configuration lines that refuse clear-text
/// admin traffic off loopback; Admin:Enabled false; admin accounts from `ferry admin`.
/// </summary>
public sealed class AdminListenerTests
{
    [Fact]
    public async Task Without_Operations_Listen_the_socket_serves_the_API_and_each_start_replaces_the_CLI_token()
    {
        await using var ferry = await AdminFerry.StartAsync("admin-socket", listen: false);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ferry.SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(ferry.DataDir, "admin-token")));
        Assert.False(await ServeHarness.AcceptsConnectionsAsync(ferry.ApiPort));

        var first = ferry.Token;
        var status = await SocketGetAsync(ferry.SocketPath, first, "/api/status");
        Assert.Equal("200", status.Code);
        Assert.Equal("ftp", (string?)JsonNode.Parse(status.Body)!["listeners"]![0]!["kind"]);
        Assert.Equal("401", (await SocketGetAsync(ferry.SocketPath, "not-a-token", "/api/status")).Code);

        Assert.Equal(0, await ferry.Harness.StopAsync(TimeSpan.FromSeconds(30)));
        await ferry.Harness.StartAsync();
        ferry.ReadToken();
        Assert.NotEqual(first, ferry.Token);
        Assert.Equal("401", (await SocketGetAsync(ferry.SocketPath, first, "/api/status")).Code);
        Assert.Equal("200", (await SocketGetAsync(ferry.SocketPath, ferry.Token, "/api/status")).Code);

        // One CLI token in the list, however many starts there were.
        var tokens = JsonNode.Parse((await SocketGetAsync(ferry.SocketPath, ferry.Token, "/api/tokens")).Body)!["items"]!.AsArray();
        Assert.Single(tokens, token => (bool)token!["cli"]!);
    }

    [Fact]
    public async Task With_Operations_Tls_the_API_serves_HTTPS_with_the_FTP_servers_certificate_and_a_Secure_cookie()
    {
        await using var ferry = await AdminFerry.StartAsync("admin-tls", operations: new JsonObject { ["Tls"] = true });
        string? seen = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                seen = certificate?.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
                return true;
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{ferry.ApiPort}") };
        https.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ferry.Token);
        using (var response = await https.GetAsync("/api/status"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("https", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["listeners"]![1]!["kind"]);
        }

        Assert.Equal(await ferry.Harness.NewClientCertificateSha256Async(), seen);

        https.DefaultRequestHeaders.Authorization = null;
        var (status, _, signIn) = await ferry.SendAsync(HttpMethod.Post, "/api/auth/login", new { name = "admin", password = ferry.FirstAdminPassword() }, https);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("secure", Assert.Single(signIn.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        signIn.Dispose();

        // Plain HTTP on the same port is no way in.
        var plain = await AdminFerry.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", $"http://127.0.0.1:{ferry.ApiPort}/api/status");
        Assert.NotEqual("200", plain.StdOut);
    }

    [Theory]
    [InlineData("""{ "Operations": { "Listen": "0.0.0.0:9121", "AllowRemote": true } }""", "ferry: Operations:Tls: 'false' must be true when Operations:Listen '0.0.0.0:9121' is not a loopback address")]
    [InlineData("""{ "Admin": { "SessionLifetime": "00:00:10" } }""", "ferry: Admin:SessionLifetime: '00:00:10' must be from 00:01:00")]
    public async Task Settings_that_would_weaken_the_admin_API_are_refused_with_one_line(string config, string line)
    {
        var folder = Path.Combine(Path.GetTempPath(), "ferry-admin-config-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        try
        {
            var file = Path.Combine(folder, "ferry.json");
            await File.WriteAllTextAsync(file, config);
            await using var serve = await FerryProcess.RunAsync(null, "serve", "--config", file, "--data-dir", Path.Combine(folder, "data"), "--port", FerryProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(2, serve.ExitCode);
            Assert.StartsWith(line, serve.Errors, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Admin_accounts_from_the_CLI_sign_in_with_their_role_and_a_new_password_signs_pages_out()
    {
        await using var ferry = await AdminFerry.StartAsync("admin-cli");
        var add = await FerryProcess.RunAsync("eve's long password", "admin", "add", "eve", "--role", "readonly", "--password-stdin", "--data-dir", ferry.DataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        var generated = await FerryProcess.RunAsync(null, "admin", "add", "frank", "--data-dir", ferry.DataDir);
        Assert.Matches("Admin 'frank' added \\(role admin\\) with password '[A-Za-z0-9]{20,}'", generated.Output);
        var list = await FerryProcess.RunAsync(null, "admin", "list", "--data-dir", ferry.DataDir);
        Assert.Contains("eve\treadonly\tenabled", list.Output, StringComparison.Ordinal);
        Assert.Contains("admin\tadmin\tenabled", list.Output, StringComparison.Ordinal);

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = ferry.Http.BaseAddress };
        var (status, me, _) = await ferry.SendAsync(HttpMethod.Post, "/api/auth/login", new { name = "eve", password = "eve's long password" }, browser);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("readonly", (string?)me!["role"]);
        browser.DefaultRequestHeaders.Add("X-CSRF-Token", (string)me["csrfToken"]!);
        Assert.Equal(HttpStatusCode.OK, (await ferry.SendAsync(HttpMethod.Get, "/api/users", client: browser)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await ferry.SendAsync(HttpMethod.Post, "/api/reload", client: browser)).Status);

        var passwd = await FerryProcess.RunAsync("eve's newer long password", "admin", "passwd", "eve", "--password-stdin", "--data-dir", ferry.DataDir);
        Assert.True(passwd.ExitCode == 0, passwd.Errors);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ferry.SendAsync(HttpMethod.Get, "/api/users", client: browser)).Status);

        var delete = await FerryProcess.RunAsync(null, "admin", "delete", "eve", "--data-dir", ferry.DataDir);
        Assert.True(delete.ExitCode == 0, delete.Errors);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ferry.SendAsync(HttpMethod.Post, "/api/auth/login", new { name = "eve", password = "eve's newer long password" }, browser)).Status);

        // Every change made through the API is in the log with who made it.
        Assert.Equal(HttpStatusCode.Created, (await ferry.SendAsync(HttpMethod.Post, "/api/bans", new { address = "192.0.2.77", durationSeconds = 60 })).Status);
        Assert.Contains("Admin API audit: \"token 'cli'\" banned \"192.0.2.77/32\"", await ferry.Harness.WaitForEventAsync(7303, "192.0.2.77"), StringComparison.Ordinal);
        Assert.Contains("Admin \"eve\" signed in from 127.0.0.1", await ferry.Harness.WaitForEventAsync(7301, "eve"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_Admin_Enabled_false_there_is_no_API_and_no_socket()
    {
        var harness = await ServeHarness.CreateAsync("admin-off");
        await using var _ = harness;
        var port = FerryProcess.FreePort();
        harness.WriteConfigText($$"""{ "DataDir": "{{harness.DataDir}}", "Server": { "ListenAddress": "127.0.0.1", "Port": {{harness.Port}}, "PassivePorts": "{{harness.PassivePorts}}" }, "Operations": { "Listen": "127.0.0.1:{{port}}" }, "Admin": { "Enabled": false } }""");
        await harness.StartAsync();
        Assert.False(File.Exists(Path.Combine(harness.DataDir, "admin.sock")));
        Assert.False(File.Exists(Path.Combine(harness.DataDir, "admin-token")));
        var api = await AdminFerry.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", $"http://127.0.0.1:{port}/api/status");
        Assert.Equal("404", api.StdOut);
        Assert.Equal("200", (await AdminFerry.CurlAsync("-o", "/dev/null", "-w", "%{http_code}", $"http://127.0.0.1:{port}/healthz")).StdOut);
    }

    private static async Task<(string Code, string Body)> SocketGetAsync(string socket, string token, string path)
    {
        var result = await AdminFerry.CurlAsync("--unix-socket", socket, "-H", "Authorization: Bearer " + token, "-w", "\n%{http_code}", "http://localhost" + path);
        var split = result.StdOut.LastIndexOf('\n');
        return (result.StdOut[(split + 1)..], result.StdOut[..split]);
    }
}
