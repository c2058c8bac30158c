using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The README's install step (issue 12): the self-contained single-file publish is one file that
/// works copied alone to another folder, with `ferry user add`, `ferry serve` and a real client;
/// started as root also with the two ways `ferry serve` runs its own binary again (the
/// diagnostics lockdown's exec of /proc/self/exe, and the privileged helper it spawns).
/// The plain `dotnet publish` output needs its whole folder (ferry.dll and the libraries beside it).
/// </summary>
public sealed class SingleFilePublishTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-publish-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task The_single_file_publish_serves_when_copied_alone()
    {
        // Its own obj/bin (--artifacts-path), so the checkout's build output is left as it is;
        // the NuGet cache is the usual one (HOME is the real one again; ClientProcess gives clients an empty one).
        var published = Path.Combine(_folder, "publish");
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        var nugetPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(nugetPackages))
        {
            environment["NUGET_PACKAGES"] = nugetPackages;
        }

        (await ClientProcess.RunAsync(
            "dotnet",
            ["publish", RepositoryPaths.Combine("src", "Ferry"), "-c", "Release", "-r", "linux-x64", "--self-contained",
             "-p:PublishSingleFile=true", "--artifacts-path", Path.Combine(_folder, "artifacts"), "-o", published],
            timeout: TimeSpan.FromMinutes(6),
            workingDirectory: RepositoryPaths.Root,
            environment: environment)).AssertSuccess();

        // The one file, alone in a folder of its own.
        var alone = Path.Combine(_folder, "alone");
        Directory.CreateDirectory(alone);
        var ferry = Path.Combine(alone, "ferry");
        File.Copy(Path.Combine(published, "ferry"), ferry);
        File.SetUnixFileMode(ferry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        // Where the file unpacks its native SQLite library (the systemd unit sets the same variable);
        // the diagnostics switch unset, so `ferry serve` re-executes itself as it does by default.
        var run = new Dictionary<string, string?>
        {
            ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(_folder, "extract"),
            ["DOTNET_EnableDiagnostics"] = null,
            ["COMPlus_EnableDiagnostics"] = null,
        };
        var dataDir = Path.Combine(_folder, "data");
        var home = Path.Combine(_folder, "home");
        await using (var add = FerryProcess.StartExecutable(ferry, run, "a long password", "user", "add", "bob", "--home", home, "--password-stdin", "--data-dir", dataDir))
        {
            await add.WaitForExitAsync();
            Assert.True(add.ExitCode == 0, add.Output + add.Errors);
        }

        await File.WriteAllTextAsync(Path.Combine(home, "hello.txt"), "hi from the single file");

        var port = FerryProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var server = FerryProcess.StartExecutable(ferry, run, null, "serve", "--listen", "127.0.0.1", "--port", port,
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", dataDir);
        await server.WaitForReadyAsync();

        var url = $"ftp://127.0.0.1:{port}/";
        var listing = (await ClientProcess.RunAsync("curl", ["--silent", "--show-error", "--max-time", "20", "--list-only", "-u", "bob:a long password", url])).AssertSuccess();
        Assert.Contains("hello.txt", listing.StdOut, StringComparison.Ordinal);
        var download = (await ClientProcess.RunAsync("curl", ["--silent", "--show-error", "--max-time", "20", "-u", "bob:a long password", url + "hello.txt"])).AssertSuccess();
        Assert.Equal("hi from the single file", download.StdOut);

        // The diagnostics lockdown re-executed /proc/self/exe, the single file, with the switch set.
        var serverEnvironment = (await File.ReadAllTextAsync($"/proc/{server.Id}/environ")).Split('\0');
        Assert.Contains("DOTNET_EnableDiagnostics=0", serverEnvironment);
        Assert.Equal(ferry, ExecutableOf(server.Id));

        if (Environment.UserName == "root")
        {
            // Started as root: the privileged helper is the same single file, run again.
            var helper = System.Text.RegularExpressions.Regex.Match(server.Output, @"privileged helper \(pid (\d+)\)");
            Assert.True(helper.Success, server.Output);
            Assert.Equal(ferry, ExecutableOf(int.Parse(helper.Groups[1].Value, CultureInfo.InvariantCulture)));
        }
    }

    private static string? ExecutableOf(int pid) => new FileInfo($"/proc/{pid}/exe").LinkTarget;

    public void Dispose()
    {
        FileTree.DeleteQuietly(_folder);
    }
}
