using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The receiving end of sd_notify(3), as systemd holds it for a `Type=notify` unit: a Unix
/// datagram socket whose path goes into the service's NOTIFY_SOCKET. Every datagram is kept, in
/// order, with the time it arrived.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket;
    private readonly List<NotifyMessage> _messages = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _receiving;

    private NotifySocket(string path)
    {
        Path = path;
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(path));

        // systemd's /run/systemd/notify is srwxrwxrwx too: started as root, ferry serve sends as RunAsUser.
        File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
        _receiving = ReceiveAsync();
    }

    public string Path { get; }

    public IReadOnlyList<NotifyMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public static NotifySocket Bind(string folder) => new(System.IO.Path.Combine(folder, "notify.sock"));

    /// <summary>Waits for the <paramref name="count"/>th message matching <paramref name="match"/> at index <paramref name="from"/> or later.</summary>
    public async Task<(NotifyMessage Message, int Index)> WaitForAsync(Func<NotifyMessage, bool> match, int from = 0, int count = 1, TimeSpan? timeout = null)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            var found = Messages.Select((message, index) => (message, index)).Skip(from).Where(pair => match(pair.message)).Take(count).ToList();
            if (found.Count == count)
            {
                return found[^1];
            }

            Assert.True(limit.Elapsed < (timeout ?? TimeSpan.FromSeconds(20)), $"no such notification; received: {string.Join(" | ", Messages)}");
            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _receiving.Wait(TimeSpan.FromSeconds(5));
        File.Delete(Path);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await _socket.ReceiveAsync(buffer);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var message = new NotifyMessage(_clock.Elapsed, Encoding.UTF8.GetString(buffer, 0, read));
            lock (_messages)
            {
                _messages.Add(message);
            }
        }
    }
}

/// <summary>One datagram: NEWLINE-separated VARIABLE=VALUE assignments (sd_notify(3)).</summary>
internal sealed record NotifyMessage(TimeSpan ReceivedAt, string Text)
{
    public IReadOnlyDictionary<string, string> Variables =>
        Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0]).ToDictionary(group => group.Key, group => group.Last()[1]);

    public bool Has(string variable, string value) => Variables.TryGetValue(variable, out var actual) && actual == value;

    public override string ToString() => $"{ReceivedAt.TotalSeconds:0.000}s {Text.ReplaceLineEndings("\\n")}";
}
