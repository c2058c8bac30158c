using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Administration;

/// <summary>
/// Issue 15's checks of the admin API, over real HTTP against a real `ferry serve`, while real FTP
/// clients (curl) run: users made and changed through the API are what the next FTP login gets,
/// a running upload shows with growing bytes and a kick ends it, bans and their lifting reach FTP,
/// a reload answers what it did, cookie sign-in needs its CSRF header, tokens can be revoked.
/// </summary>
public sealed class AdminApiTests(AdminApiFixture fixture) : IClassFixture<AdminApiFixture>
{
    private AdminFerry Ferry => fixture.Ferry;

    private string NewHome(string name) => Path.Combine(Ferry.DataDir, "homes", name);

    [Fact]
    public async Task A_user_created_through_the_API_logs_in_over_FTP()
    {
        var (status, body, response) = await Ferry.SendAsync(HttpMethod.Post, "/api/users",
            new { name = "carol", password = "carol's long password", home = NewHome("carol"), permissions = new[] { "all" } });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        Assert.Equal("/api/users/carol", response.Headers.Location?.ToString());
        Assert.Equal(NewHome("carol"), (string?)body!["home"]);
        Assert.Null(body["password"]);

        using var local = new TempFolder("admin-api");
        var file = local.Combine("hello.txt");
        await File.WriteAllTextAsync(file, "hello from carol");
        (await AdminFerry.CurlAsync("-u", "carol:carol's long password", "-T", file, Ferry.FtpUrl + "hello.txt")).AssertSuccess();
        Assert.Equal("hello from carol", await File.ReadAllTextAsync(Path.Combine(NewHome("carol"), "hello.txt")));

        // Without a password the server makes one and shows it once, and it works over FTP.
        (status, body, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/users", new { name = "cedric", home = NewHome("cedric") });
        Assert.Equal(HttpStatusCode.Created, status);
        var generated = (string?)body!["password"];
        Assert.False(string.IsNullOrEmpty(generated));
        var listing = (await AdminFerry.CurlAsync("-u", "cedric:" + generated, "--list-only", Ferry.FtpUrl)).AssertSuccess();
        Assert.Equal(string.Empty, listing.StdOut.Trim());
        Assert.Null((await Ferry.GetJsonAsync("/api/users/cedric"))["password"]);

        // The same name again is a conflict.
        (status, body, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/users", new { name = "carol", home = NewHome("carol") });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(409, (int?)body!["status"]);
    }

    [Fact]
    public async Task A_running_upload_shows_with_growing_bytes_and_a_kick_ends_it_with_421()
    {
        using var local = new TempFolder("admin-api");
        var source = local.Combine("big.bin");
        FileTree.WriteRandomFile(source, 4 * 1024 * 1024);

        // curl's own limit makes the upload last (about 40 s unless kicked).
        var upload = AdminFerry.CurlAsync("-v", "--limit-rate", "100K", "-u", $"{ServeHarness.UserName}:{ServeHarness.Password}", "-T", source, Ferry.FtpUrl + "big.bin");
        var first = await WaitForTransferAsync(bytes => bytes > 0);
        var later = await WaitForTransferAsync(bytes => bytes > (long)first["transfer"]!["bytes"]!);
        Assert.Equal((long)first["id"]!, (long)later["id"]!);
        Assert.Equal("upload", (string?)later["transfer"]!["direction"]);
        Assert.Equal("/big.bin", (string?)later["transfer"]!["path"]);
        Assert.Equal(ServeHarness.UserName, (string?)later["user"]);
        Assert.Equal("127.0.0.1", (string?)later["remoteAddress"]);

        var (status, _, _) = await Ferry.SendAsync(HttpMethod.Delete, $"/api/sessions/{(long)later["id"]!}");
        Assert.Equal(HttpStatusCode.NoContent, status);

        // curl, writing the upload, meets the closed data connection first (EPIPE, its exit code 55)
        // and never reads the 426/421 that follow on the control connection; the file is not kept whole.
        var result = await upload.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode != 0 && result.StdErr.Contains("< 150", StringComparison.Ordinal), result.Describe());
        Assert.True(!File.Exists(Path.Combine(Ferry.Harness.Home, "big.bin")) || new FileInfo(Path.Combine(Ferry.Harness.Home, "big.bin")).Length < 4 * 1024 * 1024);

        // Gone from the list; a second kick of it is 404 with a problem.
        var sessions = (JsonArray)(await Ferry.GetJsonAsync("/api/sessions"))["items"]!;
        Assert.DoesNotContain(sessions, session => (long)session!["id"]! == (long)later["id"]!);
        var (again, problem, _) = await Ferry.SendAsync(HttpMethod.Delete, $"/api/sessions/{(long)later["id"]!}");
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal("Not found", (string?)problem!["title"]);

        // A client between commands reads the 421 itself; DELETE /api/users/{name}/sessions kicks every session of a user.
        await using var idle = await Ferry.Harness.LoginAsync();
        (status, var count, _) = await Ferry.SendAsync(HttpMethod.Delete, $"/api/users/{ServeHarness.UserName}/sessions");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, (int)count!["disconnected"]!);
        Assert.Equal(421, (await idle.ReadReplyAsync()).Code);
    }

    [Fact]
    public async Task A_banned_address_is_refused_by_FTP_and_the_API_until_the_ban_is_lifted()
    {
        const string Address = "127.0.0.5";
        var bob = $"{ServeHarness.UserName}:{ServeHarness.Password}";
        var (status, body, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/bans", new { address = Address, durationSeconds = 600, reason = "test ban" });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        Assert.Equal("127.0.0.5/32", (string?)body!["network"]);
        Assert.True((bool)body["manual"]!);
        Assert.Contains((JsonArray)(await Ferry.GetJsonAsync("/api/bans"))["items"]!, ban => (string?)ban!["reason"] == "test ban");

        var refused = await AdminFerry.CurlAsync("-v", "--interface", Address, "-u", bob, "--list-only", Ferry.FtpUrl);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("< 421", refused.StdErr, StringComparison.Ordinal);
        var api = await AdminFerry.CurlAsync("--interface", Address, "-w", "%{http_code}", "-o", "/dev/null", "-H", "Authorization: Bearer " + Ferry.Token, Ferry.ApiUrl + "/api/status");
        Assert.Equal("403", api.StdOut);

        (status, _, _) = await Ferry.SendAsync(HttpMethod.Delete, "/api/bans/" + Uri.EscapeDataString("127.0.0.5/32"));
        Assert.Equal(HttpStatusCode.NoContent, status);
        (await AdminFerry.CurlAsync("--interface", Address, "-u", bob, "--list-only", Ferry.FtpUrl)).AssertSuccess();
        (status, _, _) = await Ferry.SendAsync(HttpMethod.Delete, "/api/bans/" + Address);
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Failed_admin_sign_ins_ban_the_address_for_FTP_and_the_API()
    {
        const string Address = "127.0.0.7";
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var wrong = await AdminFerry.CurlAsync("--interface", Address, "-w", "%{http_code}", "-o", "/dev/null", "-H", "Content-Type: application/json",
                "-d", """{"name":"admin","password":"wrong"}""", Ferry.ApiUrl + "/api/auth/login");
            Assert.Equal("401", wrong.StdOut);
        }

        // The third failure (Server:BanFailedLogins 3) banned it: the sign-in itself is refused now, and FTP too.
        var right = await AdminFerry.CurlAsync("--interface", Address, "-w", "%{http_code}", "-o", "/dev/null", "-H", "Content-Type: application/json",
            "-d", $$"""{"name":"admin","password":"{{Ferry.FirstAdminPassword()}}"}""", Ferry.ApiUrl + "/api/auth/login");
        Assert.Equal("403", right.StdOut);
        var ftp = await AdminFerry.CurlAsync("-v", "--interface", Address, "-u", $"{ServeHarness.UserName}:{ServeHarness.Password}", "--list-only", Ferry.FtpUrl);
        Assert.Contains("< 421", ftp.StdErr, StringComparison.Ordinal);
        Assert.Contains("Failed admin sign-in for \"admin\" from 127.0.0.7", await Ferry.Harness.WaitForEventAsync(7302, "127.0.0.7"), StringComparison.Ordinal);
        Assert.Contains("Banned 127.0.0.7", await Ferry.Harness.WaitForEventAsync(1006, "127.0.0.7"), StringComparison.Ordinal);

        var (lifted, _, _) = await Ferry.SendAsync(HttpMethod.Delete, "/api/bans/" + Address);
        Assert.Equal(HttpStatusCode.NoContent, lifted);
    }

    [Fact]
    public async Task Removing_write_through_PATCH_makes_the_next_FTP_login_refuse_uploads()
    {
        var user = "dave:dave's long password";
        var (status, _, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/users", new { name = "dave", password = "dave's long password", home = NewHome("dave") });
        Assert.Equal(HttpStatusCode.Created, status);
        using var local = new TempFolder("admin-api");
        var file = local.Combine("a.txt");
        await File.WriteAllTextAsync(file, "a");
        (await AdminFerry.CurlAsync("-u", user, "-T", file, Ferry.FtpUrl + "first.txt")).AssertSuccess();

        var (patched, body, _) = await Ferry.SendAsync(HttpMethod.Patch, "/api/users/dave", new { permissions = new[] { "list", "read" } });
        Assert.True(patched == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal(["list", "read"], ((JsonArray)body!["permissions"]!).Select(word => (string?)word));

        var refused = await AdminFerry.CurlAsync("-v", "-u", user, "-T", file, Ferry.FtpUrl + "second.txt");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("< 550", refused.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(NewHome("dave"), "second.txt")));
        Assert.Equal("a", (await AdminFerry.CurlAsync("-u", user, Ferry.FtpUrl + "first.txt")).AssertSuccess().StdOut);
    }

    [Fact]
    public async Task A_download_rate_limit_set_through_the_API_slows_that_user_down()
    {
        const int Size = 600_000;
        const int Limit = 200_000;
        var (status, body, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/users", new { name = "slow", password = "slow's long password", home = NewHome("slow"), downloadRateLimit = Limit });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        Assert.Equal(Limit, (long)body!["downloadRateLimit"]!);
        Assert.Null(body["uploadRateLimit"]);
        (status, _, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/users", new { name = "fast", password = "fast's long password", home = NewHome("fast") });
        Assert.Equal(HttpStatusCode.Created, status);
        FileTree.WriteRandomFile(Path.Combine(NewHome("slow"), "file.bin"), Size);
        FileTree.WriteRandomFile(Path.Combine(NewHome("fast"), "file.bin"), Size);

        var slow = await TimedDownloadAsync("slow:slow's long password");
        var fast = await TimedDownloadAsync("fast:fast's long password");

        // Two measured runs compared with a generous ratio (the limited one should take about 3 s,
        // the other a few milliseconds), and the limited one no faster than its limit allows, with room.
        Assert.True(slow.Seconds > 5 * fast.Seconds, $"limited {slow.Seconds:0.000} s vs unlimited {fast.Seconds:0.000} s");
        Assert.True(slow.BytesPerSecond < 1.5 * Limit, $"limited user downloaded at {slow.BytesPerSecond:0} B/s; its limit is {Limit}");

        // null puts the server's default back: the next login downloads unthrottled.
        (status, body, _) = await Ferry.SendAsync(HttpMethod.Patch, "/api/users/slow", new JsonObject { ["downloadRateLimit"] = null });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(body!["downloadRateLimit"]);
        var lifted = await TimedDownloadAsync("slow:slow's long password");
        Assert.True(slow.Seconds > 5 * lifted.Seconds, $"limited {slow.Seconds:0.000} s vs lifted {lifted.Seconds:0.000} s");
    }

    private async Task<(double Seconds, double BytesPerSecond)> TimedDownloadAsync(string user)
    {
        var result = (await AdminFerry.CurlAsync("-u", user, "-o", "/dev/null", "-w", "%{time_total} %{speed_download}", Ferry.FtpUrl + "file.bin")).AssertSuccess();
        var parts = result.StdOut.Split(' ');
        return (double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("PATCH", "/api/users/bob", """{"permissions":["list","fly"]}""", "permissions")]
    [InlineData("PATCH", "/api/users/bob", """{"quotaBytes":-1}""", "quotaBytes")]
    [InlineData("PATCH", "/api/users/bob", """{"colour":"blue"}""", "colour")]
    [InlineData("POST", "/api/users", """{"name":"has space","home":"/tmp/x"}""", "name")]
    [InlineData("POST", "/api/users", """{"name":"erin","home":"relative/path"}""", "home")]
    [InlineData("POST", "/api/users", """{"name":"erin","home":"/tmp/erin","password":"short"}""", "password")]
    [InlineData("POST", "/api/users", """{"name":"erin","storage":"s3:nowhere"}""", "storage")]
    [InlineData("PATCH", "/api/users/bob", """{"storage":7}""", "storage")]
    [InlineData("POST", "/api/bans", """{"address":"not-an-address","durationSeconds":60}""", "address")]
    [InlineData("POST", "/api/bans", """{"address":"192.0.2.9","durationSeconds":0}""", "durationSeconds")]
    [InlineData("POST", "/api/tokens", """{"name":"x","role":"root"}""", "role")]
    [InlineData("POST", "/api/users", """{"name":""", "body")]
    public async Task Bad_input_is_a_400_problem_naming_the_field(string method, string path, string json, string field)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        using var response = await Ferry.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(field, (string?)problem["field"]);
        Assert.StartsWith(field + ":", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(400, (int?)problem["status"]);
    }

    [Fact]
    public async Task Cookie_sign_in_needs_the_CSRF_header_for_changes_and_signs_out()
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var browser = new HttpClient(handler) { BaseAddress = Ferry.Http.BaseAddress };

        var (status, _, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/auth/login", new { name = "admin", password = "wrong password" }, browser);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        (status, var me, var response) = await Ferry.SendAsync(HttpMethod.Post, "/api/auth/login", new { name = "admin", password = Ferry.FirstAdminPassword() }, browser);
        Assert.Equal(HttpStatusCode.OK, status);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("admin", (string?)me!["role"]);
        var csrf = (string)me["csrfToken"]!;

        Assert.Equal(csrf, (string?)(await Ferry.SendAsync(HttpMethod.Get, "/api/auth/me", client: browser)).Body!["csrfToken"]);
        var ban = new { address = "192.0.2.44", durationSeconds = 60 };
        (status, var problem, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/bans", ban, browser);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("X-CSRF-Token", (string?)problem!["detail"], StringComparison.Ordinal);

        browser.DefaultRequestHeaders.Add("X-CSRF-Token", "not the token");
        Assert.Equal(HttpStatusCode.Forbidden, (await Ferry.SendAsync(HttpMethod.Post, "/api/bans", ban, browser)).Status);
        browser.DefaultRequestHeaders.Remove("X-CSRF-Token");
        browser.DefaultRequestHeaders.Add("X-CSRF-Token", csrf);
        Assert.Equal(HttpStatusCode.Created, (await Ferry.SendAsync(HttpMethod.Post, "/api/bans", ban, browser)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Ferry.SendAsync(HttpMethod.Delete, "/api/bans/192.0.2.44", client: browser)).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await Ferry.SendAsync(HttpMethod.Post, "/api/auth/logout", client: browser)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Ferry.SendAsync(HttpMethod.Get, "/api/auth/me", client: browser)).Status);
    }

    [Fact]
    public async Task A_token_works_until_it_is_revoked_and_a_readonly_token_may_only_read()
    {
        var (status, created, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/tokens", new { name = "monitoring", role = "readonly" });
        Assert.Equal(HttpStatusCode.Created, status);
        var secret = (string)created!["token"]!;
        var id = (long)created["id"]!;
        using var script = new HttpClient { BaseAddress = Ferry.Http.BaseAddress };
        script.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);

        Assert.Equal(HttpStatusCode.OK, (await Ferry.SendAsync(HttpMethod.Get, "/api/status", client: script)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Ferry.SendAsync(HttpMethod.Post, "/api/bans", new { address = "192.0.2.45", durationSeconds = 60 }, script)).Status);

        // Listed without its secret.
        var listed = (JsonArray)(await Ferry.GetJsonAsync("/api/tokens"))["items"]!;
        var entry = Assert.Single(listed, token => (long)token!["id"]! == id);
        Assert.Equal("readonly", (string?)entry!["role"]);
        Assert.DoesNotContain(secret, listed.ToJsonString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await Ferry.SendAsync(HttpMethod.Delete, $"/api/tokens/{id}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Ferry.SendAsync(HttpMethod.Get, "/api/status", client: script)).Status);
    }

    [Fact]
    public async Task A_reload_through_the_API_says_what_it_did()
    {
        try
        {
            Ferry.WriteConfig(new JsonObject(AdminApiFixture.ServerSettings.Select(pair => KeyValuePair.Create(pair.Key, pair.Value?.DeepClone()))) { ["Banner"] = "Reloaded through the API." });
            var (status, body, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/reload");
            Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
            Assert.True((bool)body!["reloaded"]!, body.ToJsonString());
            Assert.Null(body["error"]);
            await using (var ftp = await Ferry.Harness.ConnectAsync())
            {
                // ConnectAsync read the 220 already; the banner shows in the next session's greeting.
            }

            using var greeting = new System.Net.Sockets.TcpClient();
            await greeting.ConnectAsync(IPAddress.Loopback, Ferry.Harness.Port);
            using var reader = new StreamReader(greeting.GetStream());
            Assert.Equal("220 Reloaded through the API.", await reader.ReadLineAsync());

            Ferry.Harness.WriteConfigText("""{ "Server": { "Port": "not a port" } }""");
            (status, body, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/reload");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.False((bool)body!["reloaded"]!);
            Assert.Contains("Server:Port", (string?)body["error"], StringComparison.Ordinal);
        }
        finally
        {
            Ferry.WriteConfig(AdminApiFixture.ServerSettings);
            await Ferry.SendAsync(HttpMethod.Post, "/api/reload");
        }
    }

    [Fact]
    public async Task The_live_stream_delivers_a_snapshot_with_the_sessions()
    {
        await using var ftp = await Ferry.Harness.LoginAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/live");
        using var response = await Ferry.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("event: snapshot", await reader.ReadLineAsync(timeout.Token));
        var data = await reader.ReadLineAsync(timeout.Token);
        Assert.StartsWith("data: ", data, StringComparison.Ordinal);
        var snapshot = JsonNode.Parse(data!["data: ".Length..])!;
        var localPort = ((IPEndPoint)ftp.Socket.LocalEndPoint!).Port;
        var mine = Assert.Single((JsonArray)snapshot["sessions"]!, session => (int)session!["remotePort"]! == localPort);
        Assert.Equal(ServeHarness.UserName, (string?)mine!["user"]);
        Assert.NotNull(snapshot["uploadBytesPerSecond"]);

        // The counts are of every session (one ListSessions call): with fewer than the cap of 500, all are listed.
        var listed = (JsonArray)snapshot["sessions"]!;
        Assert.Equal(listed.Count, (int)snapshot["sessionCount"]!);
        Assert.Equal(listed.Count(session => session!["transfer"] is JsonObject), (int)snapshot["transferCount"]!);

        // The chart's history: a point a second (the first one a second after the start, so a
        // test run alone may ask before it exists).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var points = (JsonArray)(await Ferry.GetJsonAsync("/api/throughput"))["points"]!;
        while (points.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100);
            points = (JsonArray)(await Ferry.GetJsonAsync("/api/throughput"))["points"]!;
        }

        Assert.NotEmpty(points);
    }

    [Fact]
    public async Task The_effective_configuration_is_served_with_secrets_masked()
    {
        var config = await Ferry.GetJsonAsync("/api/config");
        Assert.Equal(Ferry.Harness.Port, (int)config["Server"]!["Port"]!);
        Assert.Equal(3, (int)config["Server"]!["BanFailedLogins"]!);
        Assert.True((bool)config["Admin"]!["Enabled"]!);

        var masked = global::Ferry.Administration.ConfigEndpoints.Masked(new global::Ferry.Configuration.FerrySettings { Server = { CertificatePassword = "s3cret" } });
        Assert.Equal("***", (string?)masked["Server"]!["CertificatePassword"]);
        Assert.DoesNotContain("s3cret", masked.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>Issue 16: a user's storage is in the document both ways, as the request field and in the user shown.</summary>
    [Fact]
    public async Task The_OpenAPI_document_has_the_users_storage_field()
    {
        using var anonymous = new HttpClient { BaseAddress = Ferry.Http.BaseAddress };
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
        var schemas = document["components"]!["schemas"]!;
        foreach (var schema in new[] { "UserRequest", "UserView", "CreatedUser" })
        {
            Assert.True(schemas[schema]?["properties"]?["storage"] is not null, $"{schema} has no storage property: {schemas[schema]?.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Every_route_in_the_OpenAPI_document_refuses_anonymous_callers_and_readonly_changes()
    {
        using var anonymous = new HttpClient { BaseAddress = Ferry.Http.BaseAddress };
        using var documentResponse = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, documentResponse.StatusCode);
        var paths = (JsonObject)JsonNode.Parse(await documentResponse.Content.ReadAsStringAsync())!["paths"]!;
        var routes = paths.SelectMany(path => ((JsonObject)path.Value!).Select(operation => (Method: operation.Key.ToUpperInvariant(), Path: path.Key))).ToList();

        // The walk covers the contract's routes (a document that lost them would pass vacuously).
        foreach (var expected in new[] { "GET /api/sessions", "DELETE /api/sessions/{id}", "POST /api/users", "PATCH /api/users/{name}", "DELETE /api/users/{name}/sessions",
            "POST /api/bans", "DELETE /api/bans/{address}", "GET /api/status", "GET /api/config", "POST /api/reload", "POST /api/tokens", "DELETE /api/tokens/{id}", "GET /api/live", "GET /api/throughput" })
        {
            Assert.Contains(expected, routes.Select(route => $"{route.Method} {route.Path}"));
        }

        var (_, created, _) = await Ferry.SendAsync(HttpMethod.Post, "/api/tokens", new { name = "walker", role = "readonly" });
        using var readOnly = new HttpClient { BaseAddress = Ferry.Http.BaseAddress };
        readOnly.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (string)created!["token"]!);

        var anonymousAllowed = new List<string>();
        foreach (var (method, template) in routes)
        {
            var path = template.Replace("{id}", "999999", StringComparison.Ordinal).Replace("{name}", "nobody-here", StringComparison.Ordinal)
                .Replace("{address}", "192.0.2.200", StringComparison.Ordinal);
            var changing = method != "GET";
            var unauthenticated = await StatusAsync(anonymous, method, path);
            if (unauthenticated != HttpStatusCode.Unauthorized)
            {
                anonymousAllowed.Add($"{method} {template} -> {(int)unauthenticated}");
            }

            // Signing in and out change nothing on the server: the gate lets any caller do both.
            var limited = await StatusAsync(readOnly, method, path);
            if (changing && template is not ("/api/auth/logout" or "/api/auth/login"))
            {
                Assert.True(limited == HttpStatusCode.Forbidden, $"{method} {template} with a readonly token: {(int)limited}");
            }
            else
            {
                Assert.True(limited is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {template} with a readonly token: {(int)limited}");
            }
        }

        // Only the sign-in answers without credentials (400 here: the walk sends an empty object).
        Assert.Equal(["POST /api/auth/login -> 400"], anonymousAllowed);
    }

    /// <summary>One request's status; a changing one carries "{}", a stream is closed once its headers arrive.</summary>
    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    /// <summary>Polls GET /api/sessions until a session's transfer has bytes matching <paramref name="condition"/>.</summary>
    private async Task<JsonNode> WaitForTransferAsync(Func<long, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var sessions = (JsonArray)(await Ferry.GetJsonAsync("/api/sessions"))["items"]!;
            var running = sessions.FirstOrDefault(session => session!["transfer"] is JsonObject transfer && condition((long)transfer["bytes"]!));
            if (running is not null)
            {
                return running;
            }

            await Task.Delay(200);
        }

        Assert.Fail("no running transfer matched; sessions: " + (await Ferry.GetJsonAsync("/api/sessions")).ToJsonString());
        return null!;
    }
}
