using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Ferry.Server.Tests.Support;

/// <summary>
/// A raw control connection for wire-script tests: send exact lines, read exact replies.
/// <c>await ftp.SendAsync("USER bob"); await ftp.ExpectAsync(331);</c>
/// </summary>
public sealed class WireClient : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private Stream _stream;
    private StreamReader _reader;

    private WireClient(Socket socket)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: true);
        _stream = _network;
        _reader = new StreamReader(_stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
    }

    public Socket Socket => _socket;

    /// <summary>The server certificate's SHA-1 thumbprint, once TLS is on.</summary>
    public string? RemoteCertificateThumbprint { get; private set; }

    /// <summary>Connects, from <paramref name="localAddress"/> when given (127.0.0.2 and so on are other loopback clients).</summary>
    public static async Task<WireClient> ConnectAsync(IPEndPoint endPoint, IPAddress? localAddress = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (localAddress is not null)
        {
            socket.Bind(new IPEndPoint(localAddress, 0));
        }

        await socket.ConnectAsync(endPoint);
        return new WireClient(socket);
    }

    public Task SendAsync(string line) => SendRawAsync(Encoding.UTF8.GetBytes(line + "\r\n"));

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Reads one complete reply (all lines of a multi-line one, RFC 959 §4.2).</summary>
    public async Task<FtpReplyText> ReadReplyAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var first = await _reader.ReadLineAsync(timeout.Token) ?? throw new IOException("The server closed the control connection.");
        var lines = new List<string> { first };
        if (first.Length >= 4 && first[3] == '-')
        {
            var end = first[..3] + " ";
            while (true)
            {
                var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new IOException("The server closed the connection inside a multi-line reply.");
                lines.Add(line);
                if (line.StartsWith(end, StringComparison.Ordinal))
                {
                    break;
                }
            }
        }

        return new FtpReplyText(int.Parse(first[..3], CultureInfo.InvariantCulture), lines);
    }

    public async Task<FtpReplyText> ExpectAsync(int code)
    {
        var reply = await ReadReplyAsync();
        Assert.True(reply.Code == code, $"expected {code}, got: {reply}");
        return reply;
    }

    public async Task<FtpReplyText> CommandAsync(string line, int expectedCode)
    {
        await SendAsync(line);
        return await ExpectAsync(expectedCode);
    }

    public async Task LoginAsync(string user, string password)
    {
        await CommandAsync("USER " + user, 331);
        await CommandAsync("PASS " + password, 230);
    }

    /// <summary>EPSV, then connects to the announced port on the server's address.</summary>
    public async Task<Socket> OpenPassiveAsync()
    {
        var reply = await CommandAsync("EPSV", 229);
        var text = reply.Text;
        var start = text.IndexOf("|||", StringComparison.Ordinal) + 3;
        var port = int.Parse(text[start..text.IndexOf('|', start)], CultureInfo.InvariantCulture);
        var remote = (IPEndPoint)_socket.RemoteEndPoint!;
        var data = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await data.ConnectAsync(new IPEndPoint(remote.Address, port));
        return data;
    }

    /// <summary>Reads a data connection to its end.</summary>
    public static async Task<byte[]> ReadAllAsync(Socket data)
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        await using var stream = new NetworkStream(data, ownsSocket: true);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory, timeout.Token);
        return memory.ToArray();
    }

    /// <summary>True when the server has closed the control connection (reads end of stream).</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        try
        {
            return await _reader.ReadLineAsync(timeout.Token) is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The client side of AUTH TLS (after the 234) or of implicit FTPS: TLS on the control connection.</summary>
    public async Task StartTlsAsync(SslProtocols protocols = SslProtocols.None)
    {
        var tls = await TlsClient.AuthenticateAsync(_network, protocols);
        RemoteCertificateThumbprint = tls.RemoteCertificate?.GetCertHashString();
        _stream = tls;
        _reader = new StreamReader(tls, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        await _network.DisposeAsync();
    }
}
