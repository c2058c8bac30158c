using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The mistakes a newcomer makes in configuration and on the command line (issue 12): each is one
/// line on stderr in the admin's words, not .NET's; a stray FERRY_* variable is a warning, not a
/// refusal; and a start that fails leaves no user store and prints no password behind.
/// </summary>
public sealed class ConfigurationErrorHostTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-config-" + Guid.NewGuid().ToString("N")[..12]);

    public ConfigurationErrorHostTests() => Directory.CreateDirectory(_folder);

    private string DataDir => Path.Combine(_folder, "data");

    [Theory]
    [InlineData("""{ "Server": { "Prot": 2121 } }""", new string[0], new[] { "Server:Prot", "'2121'", "did you mean Server:Port?" })]
    [InlineData("""{ "Server": { "RequireTls": "Sometimes" } }""", new string[0], new[] { "Server:RequireTls", "'Sometimes'", "Optional, ExceptLoopback, Everywhere" })]
    [InlineData("""{ "LogLevel": "Verbose" }""", new string[0], new[] { "LogLevel", "'Verbose'", "Trace, Debug, Information, Warning, Error" })]
    [InlineData("{\n  \"Server\": {\n    \"Port\": 2121\n    \"Banner\": \"hi\"\n  }\n}\n", new string[0], new[] { "not valid JSON", "line 4, column 5" })]
    [InlineData(null, new[] { "--port", "abc" }, new[] { "--port", "'abc'", "not a whole number from 0 to 65535" })]
    [InlineData(null, new[] { "--prot", "2121" }, new[] { "unknown option --prot (did you mean --port?); see ferry serve --help" })]
    [InlineData(null, new[] { "--log-level", "Verbose" }, new[] { "LogLevel", "'Verbose'", "Trace, Debug, Information, Warning, Error" })]
    [InlineData("""{ "Logging": { "Format": "Yaml" } }""", new string[0], new[] { "Logging:Format", "'Yaml'", "Text, Json" })]
    [InlineData("""{ "Logging": { "File": "/tmp/" } }""", new string[0], new[] { "Logging:File", "'/tmp/'", "is a folder" })]
    [InlineData("""{ "Logging": { "XferLog": "/nonexistent-ferry-folder/xferlog" } }""", new string[0], new[] { "Logging:XferLog", "folder that does not exist (/nonexistent-ferry-folder)" })]
    [InlineData("""{ "Storage": { "S3": { "partners": { "Bucket": "ftp", "PartSize": 1024 } } } }""", new string[0], new[] { "Storage:S3:partners:PartSize", "1024", "5 MiB" })]
    [InlineData("""{ "Storage": { "S3": { "two words": { "Bucket": "ftp" } } } }""", new string[0], new[] { "Storage:S3:two words", "letters, digits, '-' or '_'" })]
    [InlineData("""{ "Storage": { "S3": { "partners": { "Bucket": "ftp", "Buckett": "x" } } } }""", new string[0], new[] { "Storage:S3:partners:Buckett", "did you mean Storage:S3:partners:Bucket?" })]
    public async Task A_mistake_is_one_line_naming_the_setting_the_value_and_what_is_allowed(string? configJson, string[] flags, string[] expected)
    {
        var arguments = new List<string> { "serve", "--listen", "127.0.0.1", "--data-dir", DataDir };
        if (configJson is not null)
        {
            var config = Path.Combine(_folder, "ferry.json");
            await File.WriteAllTextAsync(config, configJson);
            arguments.AddRange(["--config", config]);
        }

        arguments.AddRange(flags);
        var result = await FerryProcess.RunAsync(null, [.. arguments]);

        AssertOneLine(result, expected);
        Assert.False(File.Exists(Path.Combine(DataDir, "users.db")), "a refused start created the user store");
    }

    [Fact]
    public async Task A_config_path_that_is_a_folder_is_called_a_folder()
    {
        var result = await FerryProcess.RunAsync(null, "serve", "--config", _folder, "--data-dir", DataDir);
        AssertOneLine(result, "is a folder", _folder);
    }

    [Fact]
    public async Task An_unknown_FERRY_variable_is_one_warning_and_the_server_starts()
    {
        var port = FerryProcess.FreePort();
        var environment = new Dictionary<string, string?> { ["FERRY_HOME"] = "/opt/ferry", ["FERRY_SERVER__PROT"] = "21" };
        await using var server = FerryProcess.StartWithEnvironment(environment, null, "serve", "--listen", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", DataDir);
        await server.WaitForReadyAsync();

        var warnings = server.Errors.Trim().Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, line => line.StartsWith("ferry: warning:", StringComparison.Ordinal) && line.Contains("FERRY_HOME", StringComparison.Ordinal));
        Assert.Contains(warnings, line => line.Contains("FERRY_SERVER__PROT", StringComparison.Ordinal)
            && line.Contains("did you mean FERRY_SERVER__PORT?", StringComparison.Ordinal));

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
    }

    [Fact]
    public async Task A_bad_value_in_a_FERRY_variable_is_still_an_error()
    {
        var result = FerryProcess.StartWithEnvironment(new Dictionary<string, string?> { ["FERRY_SERVER__PORT"] = "abc" }, null, "serve", "--data-dir", DataDir);
        await using (result)
        {
            await result.WaitForExitAsync();
            AssertOneLine(result, "Server:Port", "'abc'", "FERRY_SERVER__PORT");
        }
    }

    [Fact]
    public async Task A_port_in_use_leaves_no_user_store_and_prints_no_password()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var result = await FerryProcess.RunAsync(null, "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--data-dir", DataDir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot listen", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("password", result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(DataDir, "users.db")), "a start that could not listen created the user store");
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_loaded_leaves_no_user_store_and_prints_no_password()
    {
        var certificate = Path.Combine(_folder, "not-a-certificate.pem");
        await File.WriteAllTextAsync(certificate, "this is not a certificate\n");
        var config = Path.Combine(_folder, "ferry.json");
        await File.WriteAllTextAsync(config, $$"""{ "Server": { "CertificateFile": "{{certificate}}" } }""");

        var result = await FerryProcess.RunAsync(null, "serve", "--listen", "127.0.0.1", "--port", FerryProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            "--config", config, "--data-dir", DataDir);

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("password", result.Output, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(DataDir, "users.db")), "a start with a broken certificate created the user store");
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static void AssertOneLine(FerryProcess result, params string[] expected)
    {
        Assert.NotEqual(0, result.ExitCode);
        var lines = result.Errors.Trim().Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr, got: {result.Errors}");
        var line = lines[0];
        Assert.StartsWith("ferry: ", line, StringComparison.Ordinal);
        foreach (var part in expected)
        {
            Assert.Contains(part, line, StringComparison.Ordinal);
        }

        // None of .NET's own words: the binder's option name, type names, generic arity marks.
        Assert.DoesNotContain("BinderOptions", line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("`1", line, StringComparison.Ordinal);
    }
}
