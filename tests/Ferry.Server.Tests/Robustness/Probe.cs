using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Robustness;

/// <summary>Shared bits of the security and robustness tests: bounded polling, fd counts, raw data sockets.</summary>
internal static class Probe
{
    /// <summary>Polls until <paramref name="condition"/> holds or the time is up; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return condition();
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>Waits for the server's session count to reach 0 (bounded), and asserts it did.</summary>
    public static async Task AssertNoSessionsAsync(TestServer server, TimeSpan? timeout = null)
    {
        var drained = await EventuallyAsync(() => server.Server.ActiveSessions == 0, timeout ?? TimeSpan.FromSeconds(15));
        Assert.True(drained, $"ActiveSessions stayed at {server.Server.ActiveSessions}, expected 0");
    }

    /// <summary>Open file descriptors of this process (test and server share it).</summary>
    public static int OpenFileDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>Waits (bounded) for the fd count to come back within <paramref name="margin"/> of <paramref name="baseline"/>.</summary>
    public static async Task AssertFileDescriptorsBackAsync(int baseline, int margin, TimeSpan? timeout = null)
    {
        var back = await EventuallyAsync(() => OpenFileDescriptors() <= baseline + margin, timeout ?? TimeSpan.FromSeconds(15));
        Assert.True(back, $"open fds: {OpenFileDescriptors()}, baseline {baseline} (+{margin} allowed)");
    }

    /// <summary>Open socket descriptors of this process (test clients and the server alike).</summary>
    public static int OpenSockets()
    {
        var count = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true)
                {
                    count++;
                }
            }
            catch (IOException)
            {
            }
        }

        return count;
    }

    /// <summary>Waits (bounded) for the socket count to come back within <paramref name="margin"/> of <paramref name="baseline"/>.</summary>
    public static async Task AssertSocketsBackAsync(int baseline, int margin, TimeSpan? timeout = null)
    {
        var back = await EventuallyAsync(() => OpenSockets() <= baseline + margin, timeout ?? TimeSpan.FromSeconds(15));
        Assert.True(back, $"open sockets: {OpenSockets()}, baseline {baseline} (+{margin} allowed)");
    }

    /// <summary>Paths of files this process has open that lie under <paramref name="folder"/>.</summary>
    public static List<string> OpenFilesUnder(string folder)
    {
        var open = new List<string>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith(folder, StringComparison.Ordinal))
                {
                    open.Add(target);
                }
            }
            catch (IOException)
            {
                // The fd closed while we looked.
            }
        }

        return open;
    }

    /// <summary>The port of a "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)" reply.</summary>
    public static int PasvPort(FtpReplyText reply)
    {
        var text = reply.Text;
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.IndexOf(')', open);
        var parts = text[(open + 1)..close].Split(',');
        return (int.Parse(parts[4], CultureInfo.InvariantCulture) << 8) | int.Parse(parts[5], CultureInfo.InvariantCulture);
    }

    /// <summary>The port of a "229 Entering Extended Passive Mode (|||port|)" reply.</summary>
    public static int EpsvPort(FtpReplyText reply)
    {
        var text = reply.Text;
        var start = text.IndexOf("|||", StringComparison.Ordinal) + 3;
        return int.Parse(text[start..text.IndexOf('|', start)], CultureInfo.InvariantCulture);
    }

    /// <summary>A TCP connection to 127.0.0.1:<paramref name="port"/> whose source address is <paramref name="source"/>.</summary>
    public static async Task<Socket> ConnectFromAsync(IPAddress source, IPAddress target, int port)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(new IPEndPoint(target, port), timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True when a connection to the port is refused (nothing listens there).</summary>
    public static async Task<bool> IsRefusedAsync(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }

    /// <summary>
    /// Reads what the peer sends until it closes or resets the connection, or the time is up.
    /// Returns the bytes and whether the connection ended (EOF or reset) within the time.
    /// </summary>
    public static async Task<(byte[] Data, bool Ended)> DrainAsync(Socket socket, TimeSpan timeout)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                if (read == 0)
                {
                    return (memory.ToArray(), true);
                }

                memory.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            return (memory.ToArray(), true);
        }
        catch (OperationCanceledException)
        {
            return (memory.ToArray(), false);
        }
    }

    /// <summary>Closes with RST instead of FIN, as a crashed client or a dropped network looks.</summary>
    public static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    /// <summary>Ports in LISTEN state on 127.0.0.1 (from /proc/net/tcp).</summary>
    public static HashSet<int> ListeningLoopbackPorts()
    {
        var ports = new HashSet<int>();
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != "0A")
            {
                continue;
            }

            var local = fields[1].Split(':');
            if (local[0] == "0100007F")
            {
                ports.Add(int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        return ports;
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>Sends a line and returns whatever reply comes, for probes whose outcome is asserted afterwards.</summary>
    public static async Task<FtpReplyText> SendAndReadAsync(this WireClient ftp, string line)
    {
        await ftp.SendAsync(line);
        return await ftp.ReadReplyAsync();
    }
}
