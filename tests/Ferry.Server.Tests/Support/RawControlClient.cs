using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ferry.Server.Tests.Support;

/// <summary>
/// A control connection read as bytes, for tests about what may appear on the wire: lines end at
/// LF only, so a bare CR (or any other byte) inside a reply line stays in that line where
/// <see cref="WireClient"/>'s line reader would have split it.
/// </summary>
public sealed class RawControlClient : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawControlClient(Socket socket) => _socket = socket;

    public static async Task<RawControlClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return new RawControlClient(socket);
    }

    public async Task SendAsync(string line) => await _socket.SendAsync(Encoding.UTF8.GetBytes(line + "\r\n"));

    /// <summary>
    /// One complete reply (RFC 959 §4.2) as its raw lines, each with the bytes up to and including
    /// its LF: a one-line reply, or "NNN-" up to the line that starts with "NNN ".
    /// </summary>
    public async Task<RawReply> ReadReplyAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var lines = new List<byte[]> { await ReadLineAsync(timeout.Token) };
        var first = lines[0];
        if (first.Length < 4 || first.AsSpan(0, 3).ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            throw new InvalidDataException("Not a reply line: " + RawReply.Show(first));
        }

        if (first[3] == (byte)'-')
        {
            while (true)
            {
                var line = await ReadLineAsync(timeout.Token);
                lines.Add(line);
                if (line.Length >= 4 && line.AsSpan(0, 3).SequenceEqual(first.AsSpan(0, 3)) && line[3] == (byte)' ')
                {
                    break;
                }
            }
        }

        return new RawReply(int.Parse(Encoding.ASCII.GetString(first, 0, 3), CultureInfo.InvariantCulture), lines);
    }

    public async Task<RawReply> CommandAsync(string line)
    {
        await SendAsync(line);
        return await ReadReplyAsync();
    }

    public async Task<RawReply> ExpectAsync(string line, int code)
    {
        var reply = await CommandAsync(line);
        Assert.True(reply.Code == code, $"{RawReply.Show(Encoding.UTF8.GetBytes(line))}: expected {code}, got {reply}");
        return reply;
    }

    /// <summary>EPSV, then connects to the announced port.</summary>
    public async Task<Socket> OpenPassiveAsync()
    {
        var text = (await ExpectAsync("EPSV", 229)).ToString();
        var start = text.IndexOf("|||", StringComparison.Ordinal) + 3;
        var port = int.Parse(text[start..text.IndexOf('|', start)], CultureInfo.InvariantCulture);
        var remote = (IPEndPoint)_socket.RemoteEndPoint!;
        var data = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(new IPEndPoint(remote.Address, port));
        return data;
    }

    private async Task<byte[]> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = _buffer.AsSpan(_start, newline + 1).ToArray();
                _start += newline + 1;
                return line;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException("A reply line longer than " + _buffer.Length + " bytes.");
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new IOException("The server closed the control connection.");
            }

            _end += read;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
