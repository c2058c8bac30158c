using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Ferry.IntegrationTests.Hooks;

/// <summary>
/// Webhooks against the real `ferry serve` and real clients: the check (a receiver on
/// loopback gets the upload with its size, path, user and SHA-256, and verifies the HMAC), the
/// file operations' events, and retries with backoff.
/// </summary>
public sealed class WebhookTests : IDisposable
{
    private const string Secret = "a shared secret, long and random in real life";

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "ferry-hook-files-" + Guid.NewGuid().ToString("N")[..12]);

    public WebhookTests() => Directory.CreateDirectory(_scratch);

    [Fact]
    public async Task An_upload_reaches_the_receiver_with_its_size_path_user_and_checksum_under_a_valid_signature()
    {
        await using var receiver = WebhookReceiver.Accepting();
        await using var ferry = await HookServer.StartAsync("hook-webhook", [new JsonObject
        {
            ["Name"] = "partner",
            ["Events"] = new JsonArray("upload", "download", "mkdir", "rename", "delete", "rmdir"),
            ["Url"] = receiver.Url,
            ["Secret"] = Secret,
        }]);

        var bytes = RandomNumberGenerator.GetBytes(200_000);
        var file = Path.Combine(_scratch, "report.csv");
        await File.WriteAllBytesAsync(file, bytes);
        (await ferry.UploadAsync(file, "/incoming/report.csv", "--ftp-create-dirs")).AssertSuccess();

        var upload = await receiver.WaitForEventAsync("upload");
        Assert.Equal("POST", upload.Method);
        Assert.StartsWith("application/json", upload.Header("Content-Type"), StringComparison.Ordinal);
        Assert.StartsWith("Ferry/", upload.Header("User-Agent"), StringComparison.Ordinal);
        Assert.Equal("upload", upload.Header("X-Ferry-Event"));

        // The receiver's check, as the README shows it: HMAC-SHA256 of "TIMESTAMP.BODY" with the secret.
        var timestamp = upload.Header("X-Ferry-Timestamp");
        var age = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, CultureInfo.InvariantCulture);
        Assert.InRange(age, -5, 60);
        byte[] signed = [.. Encoding.ASCII.GetBytes(timestamp + "."), .. upload.Body];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed));
        Assert.Equal(expected, upload.Header("X-Ferry-Signature"));
        Assert.NotEqual(expected, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("another secret"), signed)));

        Assert.Equal("bob", upload.Field("user"));
        Assert.Equal("/incoming/report.csv", upload.Field("path"));
        Assert.Equal("200000", upload.Field("size"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), upload.Field("sha256"));
        Assert.Equal("upload", upload.Field("direction"));
        Assert.Equal("ok", upload.Field("result"));
        Assert.Equal("STOR", upload.Field("verb"));
        Assert.Equal("127.0.0.1", upload.Field("remoteAddress"));
        Assert.Equal("false", upload.Field("tls"));
        Assert.True(long.Parse(upload.Field("sessionId")!, CultureInfo.InvariantCulture) > 0);
        Assert.InRange(DateTimeOffset.Parse(upload.Field("time")!, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(upload.Header("X-Ferry-Delivery"), upload.Field("id"));
        Assert.Null(upload.Field("target"));

        // curl's --ftp-create-dirs made the folder first: its mkdir came before the upload.
        var mkdir = await receiver.WaitForEventAsync("mkdir");
        Assert.Equal("/incoming", mkdir.Field("path"));
        Assert.True(mkdir.At <= upload.At);

        // The other file operations, with python's ftplib.
        (await ferry.FtplibAsync("""
            ftp.retrbinary("RETR /incoming/report.csv", lambda block: None)
            ftp.rename("/incoming/report.csv", "/incoming/done.csv")
            ftp.delete("/incoming/done.csv")
            ftp.rmd("/incoming")
            """)).AssertSuccess();
        var download = await receiver.WaitForEventAsync("download");
        Assert.Equal(("/incoming/report.csv", "200000", "download", "RETR"), (download.Field("path"), download.Field("size"), download.Field("direction"), download.Field("verb")));
        Assert.Null(download.Field("sha256"));
        var rename = await receiver.WaitForEventAsync("rename");
        Assert.Equal(("/incoming/report.csv", "/incoming/done.csv"), (rename.Field("path"), rename.Field("target")));
        Assert.Equal("/incoming/done.csv", (await receiver.WaitForEventAsync("delete")).Field("path"));
        Assert.Equal("/incoming", (await receiver.WaitForEventAsync("rmdir")).Field("path"));

        // Each event once, and each signed.
        Assert.Equal(6, receiver.Requests.Count);
        Assert.Equal(6, receiver.Requests.Select(request => request.Header("X-Ferry-Delivery")).Distinct().Count());
        Assert.All(receiver.Requests, request => Assert.StartsWith("sha256=", request.Header("X-Ferry-Signature"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_the_event_on_the_third_try()
    {
        await using var receiver = WebhookReceiver.Answering((number, _) => number <= 2 ? (503, "busy") : (200, "{}"));
        await using var ferry = await HookServer.StartAsync("hook-retry", [new JsonObject
        {
            ["Events"] = new JsonArray("upload"),
            ["Url"] = receiver.Url,
            ["Retries"] = 3,
            ["RetryDelay"] = "00:00:00.2",
        }]);

        var file = Path.Combine(_scratch, "once.txt");
        await File.WriteAllTextAsync(file, "deliver me");
        (await ferry.UploadAsync(file, "/once.txt")).AssertSuccess();

        var attempts = await receiver.WaitForAsync(request => request.Event == "upload", count: 3);
        Assert.Equal(["1", "2", "3"], attempts.Select(request => request.Header("X-Ferry-Attempt")));
        Assert.Single(attempts.Select(request => request.Header("X-Ferry-Delivery")).Distinct());
        Assert.Single(attempts.Select(request => request.Text).Distinct());

        // Backoff: 0.2 s, then 0.4 s (a little less allowed for the clocks' grain).
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(180), $"{attempts[1].At - attempts[0].At}");
        Assert.True(attempts[2].At - attempts[1].At >= TimeSpan.FromMilliseconds(380), $"{attempts[2].At - attempts[1].At}");

        // Delivered on the third: no fourth attempt (the next would have come 0.8 s later).
        await Task.Delay(1200);
        Assert.Equal(3, receiver.Requests.Count);
        await ferry.Harness.WaitForEventAsync(7404, 2);
        await ferry.Harness.WaitForEventAsync(7403, "upload event");
    }

    [Fact]
    public async Task A_python_receiver_verifies_the_signature_as_the_README_shows_and_rejects_a_wrong_secret()
    {
        var port = Host.FerryProcess.FreePort();
        var receiver = Support.ClientProcess.RunAsync("python3", [Path.Combine(AppContext.BaseDirectory, "Scripts", "hook_receiver.py"), port.ToString(CultureInfo.InvariantCulture), "2"],
            timeout: TimeSpan.FromSeconds(60), environment: new Dictionary<string, string> { ["FERRY_HOOK_SECRET"] = Secret });
        for (var waited = 0; waited < 200 && !await Host.ServeHarness.AcceptsConnectionsAsync(port); waited++)
        {
            await Task.Delay(50);
        }

        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/ferry";
        await using var ferry = await HookServer.StartAsync("hook-python", [
            new JsonObject { ["Name"] = "right", ["Events"] = new JsonArray("upload"), ["Url"] = url, ["Secret"] = Secret },
            new JsonObject { ["Name"] = "wrong", ["Events"] = new JsonArray("upload"), ["Url"] = url, ["Secret"] = "not the receiver's secret", ["Retries"] = 0 },
        ]);
        var bytes = RandomNumberGenerator.GetBytes(4096);
        var file = Path.Combine(_scratch, "signed.bin");
        await File.WriteAllBytesAsync(file, bytes);
        (await ferry.UploadAsync(file, "/signed.bin")).AssertSuccess();

        var result = (await receiver).AssertSuccess();
        var lines = result.StdOut.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Contains($"verified upload bob /signed.bin 4096 {Convert.ToHexStringLower(SHA256.HashData(bytes))}", lines);
        Assert.Contains("rejected", lines);
        await ferry.Harness.WaitForEventAsync(7402, "Hook wrong: upload event");
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}
