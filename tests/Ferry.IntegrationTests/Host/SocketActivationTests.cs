using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// systemd socket activation: the listener is bound by the launcher (a python stand-in for
/// systemd that passes it as descriptor 3 with LISTEN_FDS/LISTEN_PID) and Ferry serves on it.
/// The launcher's socket stays bound to the port, so a server that bound its own would fail
/// with "address in use": reaching 220 proves the inherited socket is the one serving.
/// </summary>
public sealed class SocketActivationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-activation-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task A_socket_activated_server_serves_on_the_inherited_listener()
    {
        var dataDir = Path.Combine(_folder, "data");
        var home = Path.Combine(_folder, "dave home");
        var add = await FerryProcess.RunAsync("dave's password", "user", "add", "dave", "--home", home, "--password-stdin", "--data-dir", dataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        await File.WriteAllTextAsync(Path.Combine(home, "hello.txt"), "hi");

        // Started as root (CI), Ferry separates privileges and needs an account to serve as.
        await using var runAs = RootFactAttribute.IsRoot ? await MachineAccount.CreateSystemAsync("ferrysk") : null;
        if (runAs is not null)
        {
            (await ClientProcess.RunAsync("chown", ["-R", $"{runAs.Uid}:{runAs.Gid}", home])).AssertSuccess();
        }

        var port = FerryProcess.FreePort();
        var start = new ProcessStartInfo("python3")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Scripts", "socket_activate.py"));
        foreach (var argument in new[]
        {
            "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), "dotnet", Path.Combine(AppContext.BaseDirectory, "ferry.dll"),
            "serve", "--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passive-ports", FerryProcess.FreePassiveRange(), "--data-dir", dataDir,
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (runAs is not null)
        {
            start.Environment["FERRY_RUNASUSER"] = runAs.Name;
        }

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("ready", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var first = await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
            lock (output)
            {
                Assert.True(first == ready.Task, "ferry did not print 'ready': " + output);
                Assert.Contains("[5302] Using 1 listening socket(s) passed by systemd", output.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain("warning", output.ToString(), StringComparison.Ordinal);
            }

            await using var ftp = await WireClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await ftp.ExpectAsync(220);
            await ftp.LoginAsync("dave", "dave's password");
            await ftp.CommandAsync("SIZE hello.txt", 213);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public void Dispose() => FileTree.DeleteQuietly(_folder);
}
