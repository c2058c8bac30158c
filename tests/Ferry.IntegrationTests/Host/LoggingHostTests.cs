using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The logs of a real `ferry serve` with real curl sessions (issue 14): JSON lines with the session
/// scope, the xferlog(5) file, the audit record of a refused DELE at the default level, the log
/// file, and the admin actions of `ferry user`.
/// </summary>
public sealed partial class LoggingHostTests : IDisposable
{
    private const string Password = "alice's long password";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-logs-" + Guid.NewGuid().ToString("N")[..12]);

    public LoggingHostTests()
    {
        Directory.CreateDirectory(LogFolder);
    }

    private string DataDir => Path.Combine(_folder, "data");

    private string LogFolder => Path.Combine(_folder, "logs");

    [Fact]
    public async Task The_json_log_parses_line_by_line_and_every_session_line_carries_the_session_scope()
    {
        await AddUserAsync("alice");
        var logFile = Path.Combine(LogFolder, "ferry.log");
        var (server, port) = await StartAsync(new() { ["FERRY_LOGGING__FORMAT"] = "Json", ["FERRY_LOGGING__FILE"] = logFile });
        await using (server)
        {
            var source = Path.Combine(_folder, "up.txt");
            await File.WriteAllTextAsync(source, "hello json");
            (await CurlAsync("-T", source, Url(port, "/up.txt"))).AssertSuccess();
            (await CurlAsync("--ssl-reqd", "-k", Url(port, "/"))).AssertSuccess();
            await StopAsync(server);
        }

        var records = ParseJsonLines(server.Output);
        Assert.All(records, record =>
        {
            foreach (var field in new[] { "Timestamp", "Level", "Category", "EventId", "EventName", "Message" })
            {
                Assert.True(record.TryGetProperty(field, out _), $"no {field} in {record.GetRawText()}");
            }
        });

        // Every record a session writes carries its scope (the transfer's and the audit's too).
        var sessionRecords = records.Where(record => record.TryGetProperty("SessionId", out _)).ToList();
        Assert.Contains(sessionRecords, record => record.GetProperty("EventId").GetInt32() == 3000);
        Assert.Contains(sessionRecords, record => record.GetProperty("EventId").GetInt32() == 7100);
        Assert.All(sessionRecords, record =>
        {
            Assert.Equal("127.0.0.1", record.GetProperty("RemoteAddress").GetString());
            Assert.InRange(record.GetProperty("RemotePort").GetInt32(), 1, 65535);
            Assert.True(record.TryGetProperty("User", out _), record.GetRawText());
            Assert.True(record.GetProperty("Tls").ValueKind is JsonValueKind.True or JsonValueKind.False, record.GetRawText());
        });

        // The user and the TLS state are the session's at the time of each record.
        var started = sessionRecords.Where(record => record.GetProperty("EventId").GetInt32() == 1000).ToList();
        Assert.Equal(2, started.Count);
        Assert.All(started, record => Assert.Equal(JsonValueKind.Null, record.GetProperty("User").ValueKind));
        Assert.All(started, record => Assert.False(record.GetProperty("Tls").GetBoolean()));
        var logins = sessionRecords.Where(record => record.GetProperty("EventId").GetInt32() == 1002).ToList();
        Assert.Equal(2, logins.Count);
        Assert.All(logins, record => Assert.Equal("alice", record.GetProperty("User").GetString()));
        Assert.Equal([false, true], logins.Select(record => record.GetProperty("Tls").GetBoolean()));

        var upload = Assert.Single(sessionRecords, record => record.GetProperty("EventId").GetInt32() == 3000 && record.GetProperty("Direction").GetString() == "STOR");
        Assert.Equal("/up.txt", upload.GetProperty("Path").GetString());
        Assert.Equal(10, upload.GetProperty("Bytes").GetInt64());
        Assert.Equal("Transfer", upload.GetProperty("EventName").GetString());
        Assert.Equal(logins[0].GetProperty("SessionId").GetInt64(), upload.GetProperty("SessionId").GetInt64());
        var audit = Assert.Single(sessionRecords, record => record.GetProperty("EventId").GetInt32() == 7100);
        Assert.Equal(("done", "upload", "/up.txt", "STOR"), (audit.GetProperty("Outcome").GetString(), audit.GetProperty("Action").GetString(),
            audit.GetProperty("Path").GetString(), audit.GetProperty("Verb").GetString()));

        // `ferry serve`'s own lines are records too, so nothing on stdout breaks a JSON reader.
        Assert.Contains(records, record => record.GetProperty("EventId").GetInt32() == 7130 && record.GetProperty("Message").GetString()!.StartsWith("Ferry ready", StringComparison.Ordinal));

        // Logging:File gets the same records in the same format.
        Assert.Equal(
            records.Select(record => record.GetProperty("Message").GetString()).Order(StringComparer.Ordinal),
            ParseJsonLines(await File.ReadAllTextAsync(logFile)).Select(record => record.GetProperty("Message").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_xferlog_lines_of_curl_uploads_and_downloads_match_xferlog_5_and_an_aborted_upload_is_incomplete()
    {
        await AddUserAsync("alice");
        var xferLog = Path.Combine(LogFolder, "xferlog");
        var (server, port) = await StartAsync(new() { ["FERRY_LOGGING__XFERLOG"] = xferLog });
        await using (server)
        {
            var source = Path.Combine(_folder, "source.bin");
            FileTree.WriteRandomFile(source, 300_000);
            var big = Path.Combine(_folder, "big.bin");
            FileTree.WriteRandomFile(big, 4 * 1024 * 1024);
            var started = DateTime.Now;

            (await CurlAsync("-T", source, Url(port, "/up%20load.bin"))).AssertSuccess();
            (await CurlAsync("-o", Path.Combine(_folder, "back.bin"), Url(port, "/up%20load.bin"))).AssertSuccess();
            (await CurlAsync(Url(port, "/"))).AssertSuccess();

            // curl gives up (exit 28) mid-upload: the server keeps nothing and logs the transfer as incomplete.
            (await CurlAsync("--limit-rate", "20k", "--max-time", "2", "-T", big, Url(port, "/cut.bin"))).AssertExitCode(28);
            var lines = await WaitForLinesAsync(xferLog, 3);
            var ended = DateTime.Now;
            Assert.Equal(3, lines.Length);

            var upload = XferLogFields(lines[0]);
            AssertTime(upload["time"], started, ended);
            Assert.InRange(long.Parse(upload["seconds"], CultureInfo.InvariantCulture), 1, (long)Math.Ceiling((ended - started).TotalSeconds) + 1);
            Assert.Equal(
                ["127.0.0.1", "300000", "/up_load.bin", "b", "_", "i", "r", "alice", "ftp", "0", "*", "c"],
                new[] { "host", "bytes", "name", "type", "flag", "direction", "mode", "user", "service", "method", "userid", "status" }.Select(field => upload[field]));

            var download = XferLogFields(lines[1]);
            AssertTime(download["time"], started, ended);
            Assert.Equal(
                ["127.0.0.1", "300000", "/up_load.bin", "b", "_", "o", "r", "alice", "ftp", "0", "*", "c"],
                new[] { "host", "bytes", "name", "type", "flag", "direction", "mode", "user", "service", "method", "userid", "status" }.Select(field => download[field]));

            var aborted = XferLogFields(lines[2]);
            Assert.Equal(("/cut.bin", "i", "i"), (aborted["name"], aborted["direction"], aborted["status"]));
            Assert.InRange(long.Parse(aborted["bytes"], CultureInfo.InvariantCulture), 1, (4 * 1024 * 1024) - 1);
            Assert.InRange(long.Parse(aborted["seconds"], CultureInfo.InvariantCulture), 1, 10);
            await StopAsync(server);
        }

        Assert.Equal(3, (await File.ReadAllLinesAsync(xferLog)).Length);
    }

    [Fact]
    public async Task A_refused_DELE_is_an_audit_record_with_its_reason_at_the_default_level()
    {
        Assert.Equal(0, (await AddUserAsync("reader", "--read-only")).ExitCode);
        var keep = Path.Combine(_folder, "reader", "keep.txt");
        await File.WriteAllTextAsync(keep, "keep");
        var (server, port) = await StartAsync([]);
        await using (server)
        {
            var dele = await ClientProcess.RunAsync("curl", ["-sS", "--max-time", "30", "--user", "reader:" + Password, "-Q", "DELE keep.txt", Url(port, "/")]);
            Assert.Equal(21, dele.ExitCode);
            const string Expected = "info: Ferry[7102] Session 1: audit refused: delete \"/keep.txt\" (DELE) by \"reader\" from 127.0.0.1: \"Permission denied: this account may not delete.\"";
            await WaitForAsync(() => server.Output.Contains(Expected, StringComparison.Ordinal), $"no audit record of the refused DELE in: {server.Output}");
        }

        Assert.Equal("keep", await File.ReadAllTextAsync(keep));
    }

    [Fact]
    public async Task The_log_file_gets_the_lines_the_console_prints()
    {
        await AddUserAsync("alice");
        var logFile = Path.Combine(LogFolder, "ferry.log");
        var (server, port) = await StartAsync(new() { ["FERRY_LOGGING__FILE"] = logFile });
        await using (server)
        {
            var source = Path.Combine(_folder, "up.txt");
            await File.WriteAllTextAsync(source, "hello file");
            (await CurlAsync("-T", source, Url(port, "/up.txt"))).AssertSuccess();
            await StopAsync(server);
        }

        var console = LogLines(server.Output);
        var file = LogLines(await File.ReadAllTextAsync(logFile));
        Assert.Contains(file, line => line.StartsWith("info: Ferry[3000] Session 1: STOR \"/up.txt\" by \"alice\": 10 bytes in ", StringComparison.Ordinal));
        Assert.Contains(file, line => line.StartsWith("info: Ferry[7100] Session 1: audit done: upload \"/up.txt\" (STOR) by \"alice\"", StringComparison.Ordinal));
        Assert.Equal(console.Order(StringComparer.Ordinal), file.Order(StringComparer.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(logFile));
    }

    [Fact]
    public async Task User_commands_are_admin_audit_records_appended_to_the_log_file_when_it_exists()
    {
        var logFile = Path.Combine(LogFolder, "ferry.log");
        var environment = new Dictionary<string, string?> { ["FERRY_LOGGING__FILE"] = logFile };

        // No log file yet: the command does not create it (that is the server's, with the server's owner).
        var first = await RunUserCommandAsync(environment, "add", "carol", "--home", Path.Combine(_folder, "carol"), "--password-stdin");
        Assert.Equal(0, first.ExitCode);
        Assert.False(File.Exists(logFile));
        Assert.Matches(AdminLine("added user \"carol\""), first.Errors);

        await File.WriteAllTextAsync(logFile, string.Empty);
        Assert.Equal(0, (await RunUserCommandAsync(environment, "add", "bob", "--home", Path.Combine(_folder, "bob"), "--password-stdin", "--read-only")).ExitCode);
        Assert.Equal(0, (await RunUserCommandAsync(environment, "set", "bob", "--permissions", "list,read,write")).ExitCode);
        Assert.Equal(0, (await RunUserCommandAsync(environment, "disable", "bob")).ExitCode);
        Assert.Equal(0, (await RunUserCommandAsync(environment, "del", "bob")).ExitCode);
        var list = await RunUserCommandAsync(environment, "list");
        Assert.DoesNotContain("Admin", list.Output + list.Errors, StringComparison.Ordinal);

        var lines = await File.ReadAllLinesAsync(logFile);
        Assert.Equal(4, lines.Length);
        Assert.Matches(AdminLine($"added user \"bob\" \\(home {Regex.Escape(Path.Combine(_folder, "bob"))}, permissions list,read\\)"), lines[0]);
        Assert.Matches(AdminLine("changed user \"bob\" \\(permissions list,read,write; "), lines[1]);
        Assert.Matches(AdminLine("disabled user \"bob\""), lines[2]);
        Assert.Matches(AdminLine("deleted user \"bob\""), lines[3]);
    }

    private static string AdminLine(string what) => @"\S+Z info: Ferry\.Admin\[7120\] Admin [^:]+: " + what;

    private Task<FerryProcess> RunUserCommandAsync(Dictionary<string, string?> environment, params string[] arguments)
    {
        var ferry = FerryProcess.StartWithEnvironment(environment, Password, ["user", .. arguments, "--data-dir", DataDir]);
        return WaitAsync(ferry);

        static async Task<FerryProcess> WaitAsync(FerryProcess ferry)
        {
            await ferry.WaitForExitAsync();
            return ferry;
        }
    }

    private Task<FerryProcess> AddUserAsync(string name, params string[] options) =>
        FerryProcess.RunAsync(Password, ["user", "add", name, "--home", Path.Combine(_folder, name), "--password-stdin", "--data-dir", DataDir, .. options]);

    private async Task<(FerryProcess Server, int Port)> StartAsync(Dictionary<string, string?> environment)
    {
        var port = FerryProcess.FreePort();
        var server = FerryProcess.StartWithEnvironment(environment, null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir);
        await server.WaitForReadyAsync();
        return (server, port);
    }

    private static async Task StopAsync(FerryProcess server)
    {
        server.SendSignal("TERM");
        await server.WaitForExitAsync();
        Assert.Equal(0, server.ExitCode);
    }

    private static string Url(int port, string path) => $"ftp://127.0.0.1:{port}{path}";

    private static Task<ClientResult> CurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "--max-time", "30", "--user", "alice:" + Password, .. arguments]);

    private static List<JsonElement> ParseJsonLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        return [.. lines.Select(line =>
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
                return document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new Xunit.Sdk.XunitException($"not a JSON object on its own line: {line} ({e.Message})");
            }
        })];
    }

    /// <summary>The log records of text output, without their timestamps (the console and the file each take their own).</summary>
    private static List<string> LogLines(string text) =>
        [.. text.Split('\n').Select(line => TextRecord().Match(line)).Where(match => match.Success).Select(match => match.Groups["record"].Value)];

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (?<record>(trce|dbug|info|warn|fail|crit): .*)$")]
    private static partial Regex TextRecord();

    /// <summary>xferlog(5): current-time transfer-time remote-host file-size filename transfer-type special-action-flag direction access-mode username service-name authentication-method authenticated-user-id completion-status.</summary>
    [GeneratedRegex(@"^(?<time>(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( \d|[123]\d) \d\d:\d\d:\d\d \d{4}) (?<seconds>\d+) (?<host>\S+) (?<bytes>\d+) (?<name>\S+) (?<type>[ab]) (?<flag>[CUT_]+) (?<direction>[oi]) (?<mode>[agr]) (?<user>\S+) (?<service>\S+) (?<method>[01]) (?<userid>\S+) (?<status>[ci])$")]
    private static partial Regex XferLogLine();

    private static Dictionary<string, string> XferLogFields(string line)
    {
        var match = XferLogLine().Match(line);
        Assert.True(match.Success, "not an xferlog(5) line: " + line);
        return match.Groups.Cast<Group>().Where(group => !int.TryParse(group.Name, out _)).ToDictionary(group => group.Name, group => group.Value);
    }

    /// <summary>The local time of the transfer's end, to the second, within the test's window.</summary>
    private static void AssertTime(string text, DateTime started, DateTime ended)
    {
        var time = DateTime.ParseExact(text.Replace("  ", " ", StringComparison.Ordinal), "ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture);
        Assert.InRange(time, started.AddSeconds(-1), ended.AddSeconds(1));
    }

    private static async Task<string[]> WaitForLinesAsync(string path, int count)
    {
        string[] lines = [];
        await WaitForAsync(() => File.Exists(path) && (lines = File.ReadAllLines(path)).Length >= count, $"{path} did not get {count} lines");
        return lines;
    }

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
