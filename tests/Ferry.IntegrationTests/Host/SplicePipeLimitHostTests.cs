using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// All pipes of one user count against /proc/sys/fs/pipe-user-pages-soft, and the server is one
/// user (RunAsUser) for all its sessions. Past the limit the kernel hands out 8 KiB pipes; an
/// upload then takes the copy loop rather than splice 8 KiB at a time, and keeps every byte.
/// The real host runs as an account made for the test, so no other process shares its count.
/// </summary>
public sealed class SplicePipeLimitHostTests : IDisposable
{
    private const string Password = "pipe limit password";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-pipes-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_folder, "data");

    [RootFact("it runs the server as an account of its own, whose pipes alone count against pipe-user-pages-soft")]
    public async Task Past_the_users_pipe_limit_an_upload_takes_the_copy_loop_and_keeps_every_byte()
    {
        var softPages = long.Parse(File.ReadAllText("/proc/sys/fs/pipe-user-pages-soft").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(softPages > 0, "pipe-user-pages-soft is 0 (no limit): nothing to reach");

        // Each splice upload asks for a 1 MiB pipe (256 pages): this many held open pass the limit.
        var held = (int)(softPages * 4096 / (1024 * 1024)) + 6;
        await using var runAs = await MachineAccount.CreateSystemAsync("ferrysp");
        var home = Path.Combine(_folder, "home");
        var add = await FerryProcess.RunAsync(Password, "user", "add", "dora", "--home", home, "--password-stdin", "--data-dir", DataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
        (await ClientProcess.RunAsync("chown", ["-R", $"{runAs.Uid}:{runAs.Gid}", home])).AssertSuccess();
        var port = FerryProcess.FreePort();
        await using var server = FerryProcess.Start(null, "serve", "--config", WriteConfig(runAs.Name, port));
        await server.WaitForReadyAsync();
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);

        var uploads = new List<(WireClient Control, Socket Data)>();
        try
        {
            for (var i = 0; i < held; i++)
            {
                var ftp = await LoginAsync(endPoint);
                await ftp.CommandAsync("TYPE I", 200);
                var data = await ftp.OpenPassiveAsync();
                await ftp.CommandAsync($"STOR held-{i}.bin", 150);
                await data.SendAsync(new byte[] { (byte)i }, SocketFlags.None);
                uploads.Add((ftp, data));
            }

            // Every held upload is under way (its first byte is on disk, in its hidden in-flight
            // file until the commit: atomic uploads), each holding its pipe.
            await WaitUntilAsync(() => Directory.GetFiles(home, ".ferry-upload.*").Count(file => new FileInfo(file).Length == 1) == held,
                "not every held upload got its first byte to disk");

            await using (var last = await LoginAsync(endPoint))
            {
                await last.CommandAsync("TYPE I", 200);
                var content = FileTree.RandomBytes((1024 * 1024) + 7);
                using var data = await last.OpenPassiveAsync();
                await last.CommandAsync("STOR last.bin", 150);
                await SendAndCloseAsync(data, content);
                await last.ExpectAsync(226);
                Assert.Equal(FileTree.Sha256(content), FileTree.Sha256OfFile(Path.Combine(home, "last.bin")));
            }

            await WaitUntilAsync(() => server.Output.Contains("STOR \"/last.bin\" goes on through the copy loop after 0 bytes by splice: the pipe holds only 8192 bytes", StringComparison.Ordinal),
                "the upload past the limit did not take the copy loop: " + string.Join('\n', server.Output.Split('\n').Where(l => l.Contains("[612", StringComparison.Ordinal)).TakeLast(5)));

            // The held uploads finish, whichever path each took.
            var tail = FileTree.RandomBytes(300_000);
            foreach (var (control, data) in uploads)
            {
                await SendAndCloseAsync(data, tail);
                await control.ExpectAsync(226);
            }

            for (var i = 0; i < held; i++)
            {
                byte[] expected = [(byte)i, .. tail];
                Assert.Equal(FileTree.Sha256(expected), FileTree.Sha256OfFile(Path.Combine(home, $"held-{i}.bin")));
            }

            var spliced = server.Output.Split('\n').Count(l => l.Contains("receives through splice", StringComparison.Ordinal));
            Assert.Equal(held + 1, spliced);
        }
        finally
        {
            foreach (var (control, data) in uploads)
            {
                data.Dispose();
                await control.DisposeAsync();
            }
        }
    }

    private static async Task<WireClient> LoginAsync(IPEndPoint endPoint)
    {
        var ftp = await WireClient.ConnectAsync(endPoint);
        await ftp.ExpectAsync(220);
        await ftp.LoginAsync("dora", Password);
        return ftp;
    }

    private static async Task SendAndCloseAsync(Socket data, byte[] content)
    {
        var sent = 0;
        while (sent < content.Length)
        {
            sent += await data.SendAsync(content.AsMemory(sent), SocketFlags.None);
        }

        data.Shutdown(SocketShutdown.Send);
        data.Close();
    }

    private string WriteConfig(string runAsUser, int port)
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "ferry.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            RunAsUser = runAsUser,
            DataDir,
            LogLevel = "Debug",
            Server = new
            {
                ListenAddress = "127.0.0.1",
                Port = port,

                // OS-chosen passive ports: more uploads at once than a small fixed range holds.
                PassivePorts = string.Empty,
                MaxSessions = 0,
                MaxSessionsPerAddress = 0,
            },
        }));
        return path;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }

    public void Dispose()
    {
        FileTree.DeleteQuietly(_folder);
    }
}
