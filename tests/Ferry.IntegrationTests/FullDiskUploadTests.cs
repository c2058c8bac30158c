using System.Net.Sockets;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// An upload that fills the disk answers 452 (RFC 959 §4.2: insufficient storage), never 226,
/// through splice(2) and through the copy loop alike, and the session goes on. The user's home
/// is a 2 MiB tmpfs mounted for the test (mounting needs root).
/// </summary>
public sealed class FullDiskUploadTests
{
    private const int DiskSize = 2 * 1024 * 1024;

    [RootFact("mounts a 2 MiB tmpfs as the user's home")]
    public Task A_full_disk_during_a_splice_upload_answers_452() => FullDiskAsync(useSplice: true);

    [RootFact("mounts a 2 MiB tmpfs as the user's home")]
    public Task A_full_disk_during_a_copy_loop_upload_answers_452() => FullDiskAsync(useSplice: false);

    private static async Task FullDiskAsync(bool useSplice)
    {
        await using var server = await TestServer.StartAsync(o => o.UseSplice = useSplice, log: new RecordingLog());
        await RunAsync("mount", "-t", "tmpfs", "-o", $"size={DiskSize},mode=0755", "ferry-test-full", server.Root);
        try
        {
            await using var ftp = await server.ConnectAsync();
            await ftp.CommandAsync("TYPE I", 200);
            var data = await ftp.OpenPassiveAsync();
            await ftp.CommandAsync("STOR full.bin", 150);
            var sending = SendUntilClosedAsync(data, FileTree.RandomBytes(3 * DiskSize));

            var reply = await ftp.ReadReplyAsync();
            Assert.True(reply.Code == 452, $"expected 452 for a full disk, got {reply.Code} {reply.Text}");
            await sending;
            data.Dispose();
            Assert.Contains(server.Log.Messages(6120), m => m.EndsWith("receives through " + (useSplice ? "splice" : "the copy loop"), StringComparison.Ordinal));
            Assert.Empty(server.Log.Messages(6121));

            // The session goes on: the partial file (kept under a hidden name, issue 13) can go by
            // its upload's name, and then a small upload fits.
            await ftp.CommandAsync("NOOP", 200);
            await ftp.CommandAsync("DELE full.bin", 250);
            var small = FileTree.RandomBytes(100_000);
            await UploadAsync(ftp, "STOR small.bin", small);
            Assert.Equal(small, await File.ReadAllBytesAsync(server.PathOf("small.bin")));
        }
        finally
        {
            // Lazy: a descriptor the server has not closed yet must not keep the mount (and the test's folder) alive.
            await RunAsync("umount", "-l", server.Root);
        }
    }

    /// <summary>Sends until done or until the server closes the data connection (after its 452).</summary>
    private static async Task SendUntilClosedAsync(Socket data, byte[] content)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var sent = 0;
            while (sent < content.Length)
            {
                sent += await data.SendAsync(content.AsMemory(sent), SocketFlags.None, timeout.Token);
            }

            data.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server closed the connection when the disk was full.
        }
    }

    private static async Task UploadAsync(WireClient ftp, string command, byte[] content)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync(command, 150);
        await SendUntilClosedAsync(data, content);
        data.Close();
        await ftp.ExpectAsync(226);
    }

    private static async Task RunAsync(string command, params string[] arguments) =>
        (await ClientProcess.RunAsync(command, arguments)).AssertSuccess();
}
