using System.Diagnostics;
using System.Text;

namespace Ferry.IntegrationTests.Support;

/// <summary>What a finished client process left behind.</summary>
public sealed record ClientResult(string CommandLine, int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Everything a failing assertion should show: the command, its exit code and both streams.</summary>
    public string Describe() =>
        $"{CommandLine}{Environment.NewLine}exit code {ExitCode}{Environment.NewLine}--- stderr ---{Environment.NewLine}{StdErr}{Environment.NewLine}--- stdout ---{Environment.NewLine}{StdOut}";

    public ClientResult AssertExitCode(int expected)
    {
        Assert.True(ExitCode == expected, $"expected exit code {expected}: {Describe()}");
        return this;
    }

    public ClientResult AssertSuccess() => AssertExitCode(0);
}

/// <summary>
/// Runs a real client (curl, lftp, rclone, wget, python3) with an argument list (no shell), an
/// optional stdin, a hard timeout that kills the whole process tree, and captured output.
/// </summary>
public static class ClientProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ClientResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? stdin = null,
        TimeSpan? timeout = null,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        // A private, empty HOME: no user rc files, and what clients write there (lftp's
        // transfer_log, say) goes away with the run.
        var home = Path.Combine(Path.GetTempPath(), "ferry-client-home-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(home);
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? home,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // UTF-8 file names must survive the clients' locale conversions (lftp, wget, python).
        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment["LANG"] = "C.UTF-8";
        start.Environment["PYTHONUTF8"] = "1";
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["HOME"] = home;
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        try
        {
            return await RunAsync(start, timeout ?? DefaultTimeout, stdin);
        }
        finally
        {
            FileTree.DeleteQuietly(home);
        }
    }

    private static async Task<ClientResult> RunAsync(ProcessStartInfo start, TimeSpan timeout, string? stdin)
    {
        var commandLine = start.FileName + " " + string.Join(' ', start.ArgumentList.Select(Quote));
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // A missing client is a failure, not a skip: CI must install every client a test names.
            Assert.Fail($"{start.FileName} could not be started ({e.Message}): install it (Debian package {DebianPackageOf(start.FileName)}; scripts/test.sh and .ci/run install the clients the tests run).");
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The client exited without reading its input; its exit code tells the story.
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            var partialOut = await stdout;
            var partialErr = await stderr;
            Assert.Fail($"timed out after {timeout.TotalSeconds} s and was killed: {new ClientResult(commandLine, -1, partialOut, partialErr).Describe()}");
        }

        var result = new ClientResult(commandLine, process.ExitCode, await stdout, await stderr);
        Log(result);
        return result;
    }

    /// <summary>With CLIENT_LOG_DIR set to a folder (not FERRY_..., which the ferry host would read as a setting), every run's command, exit code and output land there (one file per run).</summary>
    private static void Log(ClientResult result)
    {
        var folder = Environment.GetEnvironmentVariable("CLIENT_LOG_DIR");
        if (string.IsNullOrEmpty(folder))
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var name = $"{DateTime.UtcNow:HHmmss.fff}-{Path.GetFileName(result.CommandLine.Split(' ')[0])}-{Guid.NewGuid().ToString("N")[..6]}.log";
        File.WriteAllText(Path.Combine(folder, name), result.Describe());
    }

    private static string DebianPackageOf(string fileName) => Path.GetFileName(fileName) switch
    {
        "php" => "php-cli",
        "ncftpls" or "ncftpget" or "ncftpput" => "ncftp",
        "python3" => "python3",
        var other => other,
    };

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,%+[]".Contains(c))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
