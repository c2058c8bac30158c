using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ferry.Bench.Client;

/// <summary>
/// A minimal FTP control connection: commands out, replies in (multi-line replies folded,
/// RFC 959 §4.2), passive data connections through EPSV (RFC 2428 §3). Plain text only: the
/// TLS scenarios use curl, whose OpenSSL is the same for every server.
/// </summary>
internal sealed class FtpControlConnection : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly byte[] buffer = new byte[8192];
    private readonly IPAddress host;
    private int bufferStart;
    private int bufferEnd;

    private FtpControlConnection(Socket socket, IPAddress host)
    {
        this.socket = socket;
        this.host = host;
        stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static async Task<FtpControlConnection> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new FtpControlConnection(socket, endPoint.Address);
        var greeting = await connection.ReadReplyAsync(cancellationToken);
        if (greeting.Code != 220)
        {
            await connection.DisposeAsync();
            throw new FtpProtocolException($"greeting {greeting.Code} {greeting.Text}");
        }

        return connection;
    }

    public async Task LoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync($"USER {user}", cancellationToken);
        if (reply.Code == 331)
        {
            reply = await CommandAsync($"PASS {password}", cancellationToken);
        }

        if (reply.Code != 230)
        {
            throw new FtpProtocolException($"login: {reply.Code} {reply.Text}");
        }
    }

    public async Task<FtpReply> ExpectAsync(string command, int code, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync(command, cancellationToken);
        return reply.Code == code ? reply : throw new FtpProtocolException($"{command.Split(' ')[0]}: {reply.Code} {reply.Text}");
    }

    public async Task<FtpReply> CommandAsync(string command, CancellationToken cancellationToken)
    {
        await SendAsync(command, cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    public async Task SendAsync(string command, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(command + "\r\n");
        await stream.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>Opens a passive data connection: EPSV's reply carries only the port (RFC 2428 §3), the host is the control peer.</summary>
    public async Task<Socket> OpenPassiveDataAsync(CancellationToken cancellationToken)
    {
        var reply = await ExpectAsync("EPSV", 229, cancellationToken);
        var open = reply.Text.IndexOf("(|||", StringComparison.Ordinal);
        var close = open < 0 ? -1 : reply.Text.IndexOf("|)", open + 4, StringComparison.Ordinal);
        if (close < 0 || !int.TryParse(reply.Text.AsSpan(open + 4, close - open - 4), out var port))
        {
            throw new FtpProtocolException($"EPSV reply without a port: {reply.Text}");
        }

        var data = new Socket(host.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await data.ConnectAsync(new IPEndPoint(host, port), cancellationToken);
            return data;
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>Reads one reply; a multi-line reply ends at the line starting with the same code and a space.</summary>
    public async Task<FtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var first = await ReadLineAsync(cancellationToken);
        if (first.Length < 3 || !int.TryParse(first.AsSpan(0, 3), out var code))
        {
            throw new FtpProtocolException($"malformed reply: {first}");
        }

        var line = first;
        if (first.Length > 3 && first[3] == '-')
        {
            var terminator = first[..3] + " ";
            do
            {
                line = await ReadLineAsync(cancellationToken);
            }
            while (!line.StartsWith(terminator, StringComparison.Ordinal));
        }

        return new FtpReply(code, line.Length > 4 ? line[4..] : string.Empty);
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', bufferStart, bufferEnd - bufferStart);
            if (newline >= 0)
            {
                var length = newline - bufferStart;
                if (length > 0 && buffer[newline - 1] == '\r')
                {
                    length--;
                }

                var line = Encoding.UTF8.GetString(buffer, bufferStart, length);
                bufferStart = newline + 1;
                return line;
            }

            if (bufferStart > 0)
            {
                Buffer.BlockCopy(buffer, bufferStart, buffer, 0, bufferEnd - bufferStart);
                bufferEnd -= bufferStart;
                bufferStart = 0;
            }

            if (bufferEnd == buffer.Length)
            {
                throw new FtpProtocolException("reply line longer than 8 KiB");
            }

            var read = await stream.ReadAsync(buffer.AsMemory(bufferEnd), cancellationToken);
            if (read == 0)
            {
                throw new FtpProtocolException("control connection closed");
            }

            bufferEnd += read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        socket.Dispose();
    }
}
