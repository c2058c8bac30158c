using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Operations;

/// <summary>
/// The operations listener of a real `ferry serve`, asked with curl: /healthz says the process is
/// alive, /readyz says whether FTP clients can be served and, when not, which check failed and why
/// (here: a certificate that expires within Operations:CertificateMinDays); settings mistakes are
/// one line naming the setting.
/// </summary>
public sealed class HealthEndpointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-health-" + Guid.NewGuid().ToString("N")[..12]);

    public HealthEndpointTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Healthz_is_200_and_readyz_is_200_with_every_check_passing()
    {
        await using var ferry = await OperationsFerry.StartAsync();

        var health = await CurlHttpAsync(ferry.OperationsUrl("/healthz"));
        Assert.Equal(200, health.Status);
        Assert.Equal("ok", health.Body.Trim());

        var ready = await CurlHttpAsync(ferry.OperationsUrl("/readyz"));
        Assert.True(ready.Status == 200, ready.Body);
        var report = JsonNode.Parse(ready.Body)!;
        Assert.Equal("ready", (string?)report["status"]);
        foreach (var name in new[] { "listening", "user_store", "certificate", "passive_ports" })
        {
            Assert.True((bool?)report["checks"]![name]!["ok"], $"{name}: {ready.Body}");
        }

        Assert.Contains("127.0.0.1:" + ferry.FtpPort.ToString(CultureInfo.InvariantCulture), (string?)report["checks"]!["listening"]!["detail"], StringComparison.Ordinal);

        // Nothing else is served: no files, no directory listing, no server banner.
        var other = await CurlHttpAsync(ferry.OperationsUrl("/ferry.json"));
        Assert.Equal(404, other.Status);
        Assert.DoesNotContain("Server:", other.Headers, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Readyz_is_503_naming_the_certificate_when_it_expires_within_CertificateMinDays()
    {
        var certificate = Path.Combine(_folder, "short.pem");
        var key = Path.Combine(_folder, "short.key");
        (await ClientProcess.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3", "-subj", "/CN=expiring.example",
            "-keyout", key, "-out", certificate])).AssertSuccess();
        JsonObject Settings(int minDays) => new()
        {
            ["Server"] = new JsonObject { ["CertificateFile"] = certificate, ["CertificateKeyFile"] = key },
            ["Operations"] = new JsonObject { ["CertificateMinDays"] = minDays },
        };

        await using (var ferry = await OperationsFerry.StartAsync(Settings(14), Path.Combine(_folder, "a")))
        {
            var ready = await CurlHttpAsync(ferry.OperationsUrl("/readyz"));
            Assert.True(ready.Status == 503, ready.Body);
            var report = JsonNode.Parse(ready.Body)!;
            Assert.Equal("not ready", (string?)report["status"]);
            Assert.False((bool?)report["checks"]!["certificate"]!["ok"]);
            Assert.Contains("within Operations:CertificateMinDays (14)", (string?)report["checks"]!["certificate"]!["detail"], StringComparison.Ordinal);
            Assert.True((bool?)report["checks"]!["listening"]!["ok"], ready.Body);

            // Not ready is not dead: liveness stays 200, and FTP still serves.
            Assert.Equal(200, (await CurlHttpAsync(ferry.OperationsUrl("/healthz"))).Status);
            (await OperationsFerry.CurlAsync(ferry.FtpUrl)).AssertSuccess();
        }

        // The same certificate with a threshold below its 3 days is ready.
        await using (var ferry = await OperationsFerry.StartAsync(Settings(2), Path.Combine(_folder, "b")))
        {
            var ready = await CurlHttpAsync(ferry.OperationsUrl("/readyz"));
            Assert.True(ready.Status == 200, ready.Body);
            Assert.Contains("valid until", ready.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Readyz_is_503_naming_the_passive_ports_while_every_port_of_the_range_is_taken_and_200_again_after()
    {
        // A range of one port, taken by another program: curl's EPSV gets 425.
        var port = Random.Shared.Next(20000, 30000);
        await using var ferry = await OperationsFerry.StartAsync(new JsonObject { ["Server"] = new JsonObject { ["PassivePorts"] = $"{port}-{port}" } });
        Assert.Equal(200, (await CurlHttpAsync(ferry.OperationsUrl("/readyz"))).Status);
        using (var squatter = new TcpListener(IPAddress.Loopback, port))
        {
            squatter.Start();
            var refused = await OperationsFerry.CurlAsync(ferry.FtpUrl);
            Assert.NotEqual(0, refused.ExitCode);

            var ready = await CurlHttpAsync(ferry.OperationsUrl("/readyz"));
            Assert.True(ready.Status == 503, ready.Body);
            var check = JsonNode.Parse(ready.Body)!["checks"]!["passive_ports"]!;
            Assert.False((bool?)check["ok"]);
            Assert.Contains("all 1 ports of Server:PassivePorts taken", (string?)check["detail"], StringComparison.Ordinal);
        }

        // The port is free again: the next listing works, and readiness follows.
        (await OperationsFerry.CurlAsync(ferry.FtpUrl)).AssertSuccess();
        Assert.Equal(200, (await CurlHttpAsync(ferry.OperationsUrl("/readyz"))).Status);
    }

    [Theory]
    [InlineData("localhost:9121", "must be ADDRESS:PORT")]
    [InlineData("127.0.0.1", "must be ADDRESS:PORT")]
    [InlineData("127.0.0.1:70000", "must be ADDRESS:PORT")]
    [InlineData("::1:9121", "must be ADDRESS:PORT")]
    [InlineData("0.0.0.0:9121", "is not a loopback address")]
    [InlineData("192.0.2.7:9121", "Operations:AllowRemote")]
    public async Task A_bad_Operations_Listen_is_one_line_naming_the_setting_and_the_value(string value, string why)
    {
        var config = Path.Combine(_folder, "ferry.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { Operations = new { Listen = value } }));
        var result = await FerryProcess.RunAsync(null, "serve", "--listen", "127.0.0.1", "--port", FerryProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--config", config, "--data-dir", Path.Combine(_folder, "data"));

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Errors.Trim().Split('\n'));
        Assert.StartsWith("ferry: Operations:Listen: '" + value + "'", line, StringComparison.Ordinal);
        Assert.Contains(why, line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "data", "users.db")), "a refused start created the user store");
    }

    [Fact]
    public async Task An_operations_port_in_use_is_one_line_and_the_FTP_port_is_given_back()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var taken = ((IPEndPoint)occupied.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var config = Path.Combine(_folder, "ferry.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new { Operations = new { Listen = "127.0.0.1:" + taken } }));
        var ftpPort = FerryProcess.FreePort();

        var result = await FerryProcess.RunAsync(null, "serve", "--listen", "127.0.0.1", "--port", ftpPort.ToString(CultureInfo.InvariantCulture),
            "--config", config, "--data-dir", Path.Combine(_folder, "data"));

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Errors.Trim().Split('\n'));
        Assert.StartsWith($"ferry: cannot listen on Operations:Listen 127.0.0.1:{taken}:", line, StringComparison.Ordinal);
        using var again = new TcpListener(IPAddress.Loopback, ftpPort);
        again.Start();
    }

    public void Dispose() => FileTree.DeleteQuietly(_folder);

    /// <summary>curl -i: the status, the headers and the body.</summary>
    private static async Task<(int Status, string Headers, string Body)> CurlHttpAsync(Uri url)
    {
        var result = (await ClientProcess.RunAsync("curl", ["-sS", "--max-time", "10", "-i", url.ToString()])).AssertSuccess();
        var text = result.StdOut.Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = split < 0 ? text : text[..split];
        var status = int.Parse(headers.Split(' ')[1], CultureInfo.InvariantCulture);
        return (status, headers, split < 0 ? string.Empty : text[(split + 2)..]);
    }
}
