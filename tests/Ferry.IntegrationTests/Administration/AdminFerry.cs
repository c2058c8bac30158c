using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Administration;

/// <summary>
/// A real `ferry serve` with the admin API on a free loopback port (Operations:Listen), FTP user
/// bob, and the CLI token the server wrote to DATADIR/admin-token; with an HttpClient that sends
/// that token, and helpers for curl as an FTP and as an HTTP client.
/// </summary>
internal sealed class AdminFerry : IAsyncDisposable
{
    private readonly ServeHarness _harness;
    private bool _listen = true;

    private AdminFerry(ServeHarness harness, int apiPort)
    {
        _harness = harness;
        ApiPort = apiPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public ServeHarness Harness => _harness;

    public int ApiPort { get; }

    public string ApiUrl => Http.BaseAddress!.ToString().TrimEnd('/');

    public string FtpUrl => $"ftp://127.0.0.1:{_harness.Port.ToString(CultureInfo.InvariantCulture)}/";

    public string DataDir => _harness.DataDir;

    public string SocketPath => Path.Combine(_harness.DataDir, "admin.sock");

    /// <summary>Sends the full-admin CLI token (DATADIR/admin-token).</summary>
    public HttpClient Http { get; }

    public string Token { get; private set; } = string.Empty;

    /// <summary>
    /// Starts it with <paramref name="server"/>'s Server settings (on top of loopback and free ports),
    /// <paramref name="operations"/> merged into Operations (Listen is set unless given) and
    /// <paramref name="admin"/> as the Admin section.
    /// </summary>
    /// <param name="prefix">The temp folder's prefix.</param>
    /// <param name="server">Server settings on top of the harness's.</param>
    /// <param name="operations">Operations settings on top of Listen.</param>
    /// <param name="admin">The Admin section.</param>
    /// <param name="listen">False: no Operations:Listen at all (the admin socket alone).</param>
    /// <param name="storage">The Storage section (S3 profiles), when not null.</param>
    public static async Task<AdminFerry> StartAsync(string prefix, JsonObject? server = null, JsonObject? operations = null, JsonObject? admin = null, bool listen = true,
        JsonObject? storage = null)
    {
        var harness = await ServeHarness.CreateAsync(prefix);
        var apiPort = FerryProcess.FreePort();
        var ferry = new AdminFerry(harness, apiPort) { _listen = listen };
        try
        {
            ferry.WriteConfig(server, operations, admin, storage);
            await harness.StartAsync();
            ferry.ReadToken();
        }
        catch
        {
            await ferry.DisposeAsync();
            throw;
        }

        return ferry;
    }

    /// <summary>The config file (replaced whole, as an editor does): a reload reads it.</summary>
    public void WriteConfig(JsonObject? server = null, JsonObject? operations = null, JsonObject? admin = null, JsonObject? storage = null)
    {
        var section = new JsonObject
        {
            ["ListenAddress"] = "127.0.0.1",
            ["Port"] = _harness.Port,
            ["PassivePorts"] = _harness.PassivePorts,
        };
        foreach (var (key, value) in server ?? [])
        {
            section[key] = value?.DeepClone();
        }

        var operationsSection = _listen ? new JsonObject { ["Listen"] = "127.0.0.1:" + ApiPort.ToString(CultureInfo.InvariantCulture) } : [];
        foreach (var (key, value) in operations ?? [])
        {
            operationsSection[key] = value?.DeepClone();
        }

        var config = new JsonObject
        {
            [nameof(DataDir)] = _harness.DataDir,
            ["Server"] = section,
            ["Operations"] = operationsSection,
        };
        if (admin is not null)
        {
            config["Admin"] = admin.DeepClone();
        }

        if (storage is not null)
        {
            config["Storage"] = storage.DeepClone();
        }

        _harness.WriteConfigText(config.ToJsonString());
    }

    public void ReadToken()
    {
        Token = File.ReadAllText(Path.Combine(_harness.DataDir, "admin-token")).Trim();
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>The first admin's generated password, from DATADIR/first-admin-login.txt.</summary>
    public string FirstAdminPassword()
    {
        var text = File.ReadAllText(Path.Combine(_harness.DataDir, "first-admin-login.txt"));
        var start = text.IndexOf("password '", StringComparison.Ordinal) + "password '".Length;
        return text[start..text.IndexOf('\'', start)];
    }

    public async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>A request with a JSON body; the status and the parsed body (null when empty).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, object? body = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        var response = await (client ?? Http).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    /// <summary>curl as an FTP (or HTTP) client, with a hard timeout.</summary>
    public static Task<ClientResult> CurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["--silent", "--show-error", "--max-time", "30", .. arguments]);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _harness.DisposeAsync();
    }
}
