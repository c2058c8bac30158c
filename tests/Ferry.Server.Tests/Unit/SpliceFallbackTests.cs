using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Ferry.Server.Connections;
using Ferry.Server.DataChannels;

namespace Ferry.Server.Tests.Unit;

/// <summary>
/// A file that cannot take a splice gets EINVAL from the kernel; the upload then goes on through
/// the copy loop from where splice stopped, without losing or repeating a byte. Linux refuses a
/// splice into a file opened with O_APPEND (fs/splice.c), which makes such a file on any disk;
/// the transfer runs over a real loopback TCP connection.
/// </summary>
public sealed class SpliceFallbackTests
{
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;
    private const int O_APPEND = 0x400;

    [Fact]
    public async Task A_file_that_refuses_splice_gets_the_whole_upload_through_the_copy_loop()
    {
        var path = Path.Combine(Path.GetTempPath(), "ferry-splice-fallback-" + Guid.NewGuid().ToString("N")[..12]);
        var head = new byte[1000];
        Random.Shared.NextBytes(head);
        await File.WriteAllBytesAsync(path, head);
        var content = new byte[(3 * 1024 * 1024) + 5];
        Random.Shared.NextBytes(content);
        try
        {
            await using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, BufferSize = 0 }))
            {
                SetAppendFlag(file);
                using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                listener.Listen(1);
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                var accepting = listener.AcceptAsync();
                await client.ConnectAsync(listener.LocalEndPoint!);
                using var server = await accepting;
                var sending = SendAndCloseAsync(client, content);

                using var transfer = new DataTransfer("STOR fallback.bin");
                await using var network = new NetworkStream(server, ownsSocket: false);
                string? reason = null;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await TransferPump.SpliceFromNetworkAsync(server, network, file, 64 * 1024, transfer, why => reason = why, timeout.Token);
                await sending;

                Assert.NotNull(reason);
                Assert.Contains("EINVAL", reason, StringComparison.Ordinal);
                Assert.Equal(content.Length, transfer.BytesTransferred);
                Assert.Equal(head.Length + content.Length, file.Position);
            }

            byte[] expected = [.. head, .. content];
            Assert.Equal(expected, await File.ReadAllBytesAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task SendAndCloseAsync(Socket client, byte[] content)
    {
        var sent = 0;
        while (sent < content.Length)
        {
            sent += await client.SendAsync(content.AsMemory(sent), SocketFlags.None);
        }

        client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>.NET opens FileMode.Append without O_APPEND (it seeks to the end); fcntl adds it.</summary>
    private static void SetAppendFlag(FileStream file)
    {
        var fd = (int)file.SafeFileHandle.DangerousGetHandle();
        var flags = fcntl(fd, F_GETFL, 0);
        Assert.True(flags >= 0 && fcntl(fd, F_SETFL, flags | O_APPEND) == 0, "fcntl(F_SETFL, O_APPEND) failed");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);
}
