using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ferry.IntegrationTests.Hooks;

/// <summary>
/// Command hooks: the event reaches the command in its FERRY_* environment, in whole-argument
/// placeholders and as JSON on stdin; a client's file name full of shell syntax is one argument
/// and nothing runs it; the server's own environment (settings, secrets) stays out.
/// </summary>
public sealed class CommandHookTests
{
    /// <summary>Writes what it was given (arguments, environment, stdin, working directory) to hook-EVENT-ID.json in its working directory.</summary>
    private const string Recorder = """
        import json, os, sys
        record = {"argv": sys.argv[1:], "env": dict(os.environ), "stdin": sys.stdin.read(), "cwd": os.getcwd()}
        with open("hook-%s-%s.json" % (os.environ["FERRY_EVENT"], os.environ["FERRY_EVENT_ID"]), "w") as out:
            json.dump(record, out)
        """;

    [Fact]
    public async Task A_command_gets_the_event_in_its_environment_arguments_and_stdin_and_a_name_with_shell_syntax_stays_one_literal_argument()
    {
        const string HostileName = "$(touch x); rm -rf";
        var scripts = Path.Combine(Path.GetTempPath(), "ferry-hook-scripts-" + Guid.NewGuid().ToString("N")[..12]);
        var recorder = HookServer.WriteScript(scripts, "record.py", Recorder);
        try
        {
            await using var ferry = await HookServer.StartAsync("hook-command", [new JsonObject
            {
                ["Events"] = new JsonArray("upload"),
                ["Command"] = HookServer.Python,
                ["Arguments"] = new JsonArray(recorder, "{event}", "{path}", "{size}", "--sha256", "{sha256}", "{target}"),
            }], environment: new Dictionary<string, string?> { ["FERRY_LOGGING__FORMAT"] = "Text", ["SERVER_SIDE_SECRET"] = "never in a hook" });

            var content = RandomNumberGenerator.GetBytes(12_345);
            (await ferry.FtplibAsync($"""
                ftp.storbinary("STOR " + sys.argv[1], io.BytesIO(bytes.fromhex("{Convert.ToHexString(content)}")))
                """, HostileName)).AssertSuccess();

            var record = await WaitForRecordAsync(ferry.DataDir, "upload");
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
            Assert.Equal(["upload", "/" + HostileName, "12345", "--sha256", sha256, ""], record.GetProperty("argv").EnumerateArray().Select(a => a.GetString()));

            var environment = record.GetProperty("env").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
            Assert.Equal("upload", environment["FERRY_EVENT"]);
            Assert.Equal("bob", environment["FERRY_USER"]);
            Assert.Equal("/" + HostileName, environment["FERRY_PATH"]);
            Assert.Equal("12345", environment["FERRY_SIZE"]);
            Assert.Equal(sha256, environment["FERRY_SHA256"]);
            Assert.Equal("127.0.0.1", environment["FERRY_REMOTE_ADDRESS"]);
            Assert.Equal("STOR", environment["FERRY_VERB"]);
            Assert.Equal("ok", environment["FERRY_RESULT"]);
            Assert.True(long.Parse(environment["FERRY_SESSION_ID"]!, CultureInfo.InvariantCulture) > 0);
            Assert.True(DateTimeOffset.TryParse(environment["FERRY_TIME"], CultureInfo.InvariantCulture, out _));
            Assert.False(environment.ContainsKey("FERRY_TARGET"), "a field that does not apply is not set");

            // A clean environment: the event's variables and a few basics, nothing of the server's own.
            Assert.DoesNotContain("SERVER_SIDE_SECRET", environment.Keys);
            Assert.DoesNotContain("FERRY_LOGGING__FORMAT", environment.Keys);
            Assert.All(environment.Keys, name => Assert.True(name.StartsWith("FERRY_", StringComparison.Ordinal) || name is "PATH" or "HOME" or "LANG" or "LC_ALL" or "TZ", name));

            using var stdin = JsonDocument.Parse(record.GetProperty("stdin").GetString()!);
            Assert.Equal("/" + HostileName, stdin.RootElement.GetProperty("path").GetString());
            Assert.Equal(12345, stdin.RootElement.GetProperty("size").GetInt64());
            Assert.Equal(environment["FERRY_EVENT_ID"], stdin.RootElement.GetProperty("id").GetString());

            // It ran in the data folder, where a shell would have made "x": nothing there, nor anywhere near.
            Assert.Equal(Path.GetFullPath(ferry.DataDir), record.GetProperty("cwd").GetString());
            foreach (var folder in new[] { ferry.DataDir, ferry.Home, ferry.Folder, scripts })
            {
                Assert.False(File.Exists(Path.Combine(folder, "x")), $"{folder}/x exists: the name was run by a shell");
            }

            Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(ferry.Home, HostileName)));
        }
        finally
        {
            Directory.Delete(scripts, recursive: true);
        }
    }

    /// <summary>The recorder's file for an event, once the command has written it.</summary>
    private static async Task<JsonElement> WaitForRecordAsync(string dataDir, string eventName)
    {
        for (var waited = 0; waited < 400; waited++)
        {
            var file = Directory.GetFiles(dataDir, $"hook-{eventName}-*.json").FirstOrDefault();
            if (file is not null)
            {
                try
                {
                    using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file));
                    return document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // Still being written.
                }
            }

            await Task.Delay(50);
        }

        Assert.Fail($"the command wrote no hook-{eventName}-*.json in {dataDir}: {string.Join(", ", Directory.GetFiles(dataDir))}");
        return default;
    }
}
