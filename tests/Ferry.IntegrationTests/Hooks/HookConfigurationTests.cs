using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Host;

namespace Ferry.IntegrationTests.Hooks;

/// <summary>
/// Hook settings are checked at start like every other: one line per mistake, naming the key, the
/// value and what is allowed, and a refused start writes nothing.
/// </summary>
public sealed class HookConfigurationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-hook-config-" + Guid.NewGuid().ToString("N")[..12]);

    public HookConfigurationTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Each_hook_mistake_is_one_line_naming_the_setting_the_value_and_what_is_allowed()
    {
        var config = new JsonObject
        {
            ["Hooks"] = new JsonObject
            {
                ["QueueCapacity"] = 0,
                ["List"] = new JsonArray(
                    new JsonObject
                    {
                        ["Events"] = new JsonArray("uplaod"),
                        ["Command"] = "on-upload.sh",
                        ["Arguments"] = new JsonArray("--file={path}", "{colour}"),
                        ["Paths"] = new JsonArray("incoming/*.csv"),
                        ["Timeout"] = "00:00:00.01",
                    },
                    new JsonObject
                    {
                        ["Events"] = new JsonArray("pre-upload", "upload"),
                        ["Url"] = "ftp://example.com/hook",
                        ["Retries"] = 99,
                    },
                    new JsonObject { ["Events"] = new JsonArray("ban"), ["Secret"] = "s3cret" }),
            },
        };
        var file = Path.Combine(_folder, "ferry.json");
        await File.WriteAllTextAsync(file, config.ToJsonString());
        var dataDir = Path.Combine(_folder, "data");
        var result = await FerryProcess.RunAsync(null, "serve", "--listen", "127.0.0.1", "--port", "0", "--data-dir", dataDir, "--config", file);

        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Errors.Trim().Split('\n');
        string[][] expected =
        [
            ["Hooks:QueueCapacity: '0' must be from 1 to 1000000."],
            ["Hooks:List:0:Events:0: 'uplaod' is not an event; allowed: upload, upload-failed,"],
            ["Hooks:List:0:Paths:0: 'incoming/*.csv' must start with /"],
            ["Hooks:List:0:Command: 'on-upload.sh' must be an absolute path", "without a shell"],
            ["Hooks:List:0:Arguments:0: '--file={path}' holds a placeholder inside other text", "\"--file\" and \"{path}\" as two arguments"],
            ["Hooks:List:0:Arguments:1: '{colour}' is not a field; placeholders are {event}, {id},"],
            ["Hooks:List:0:Timeout: '00:00:00.0100000' must be from 00:00:00.1 to 01:00:00."],
            ["Hooks:List:1:Events: 'pre-upload, upload' mixes a veto event"],
            ["Hooks:List:1:Url: 'ftp://example.com/hook' must be an http:// or https:// URL"],
            ["Hooks:List:1:Retries: '99' must be from 0 to 10."],
            ["Hooks:List:2: has neither Command nor Url"],
            ["Hooks:List:2:Secret: is set, but only a Url's POSTs are signed"],
        ];
        foreach (var parts in expected)
        {
            var line = lines.SingleOrDefault(line => line.Contains(parts[0], StringComparison.Ordinal));
            Assert.True(line is not null, $"no line with '{parts[0]}' in: {result.Errors}");
            Assert.All(parts, part => Assert.Contains(part, line, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, lines.Length);
        Assert.DoesNotContain("s3cret", result.Errors, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dataDir, "users.db")), "a refused start created the user store");
    }

    [Fact]
    public async Task A_reload_keeps_the_running_hooks_and_says_a_restart_applies_the_change()
    {
        await using var first = WebhookReceiver.Accepting();
        await using var second = WebhookReceiver.Accepting();
        await using var ferry = await HookServer.StartAsync("hook-reload", [new JsonObject { ["Events"] = new JsonArray("login"), ["Url"] = first.Url }]);

        var config = JsonNode.Parse(await File.ReadAllTextAsync(ferry.Harness.ConfigFile))!;
        config["Hooks"]!["List"]![0]!["Url"] = second.Url;
        ferry.Harness.WriteConfigText(config.ToJsonString());
        ferry.Harness.Server.SendSignal("HUP");
        await ferry.Harness.WaitForEventAsync(7203, "Hooks changed");
        await ferry.Harness.WaitForEventAsync(7204);

        // The reload applied, the hook change did not: the next login still goes to the first receiver.
        (await HookServer.CurlAsync(ServeHarness.UserName, ServeHarness.Password, ferry.FtpUrl)).AssertSuccess();
        await first.WaitForEventAsync("login");
        Assert.Empty(second.Requests);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
