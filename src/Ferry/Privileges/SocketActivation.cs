using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ferry.Server;
using Ferry.Server.DataChannels;
using Ferry.Server.PrivilegeSeparation;

namespace Ferry.Privileges;

/// <summary>
/// systemd socket activation (sd_listen_fds(3)): systemd binds the ports named in ferry.socket
/// and starts Ferry with them as descriptors 3, 4, ... (LISTEN_FDS, LISTEN_PID). The server
/// takes an inherited socket whose address matches the endpoint it wants to listen on; anything
/// else (port 20 for active mode) goes to the fallback: the privileged helper, or a plain bind.
/// </summary>
internal sealed class SocketActivation : IPrivilegedSocketSource
{
    private const int FirstDescriptor = 3;

    private readonly List<Socket> _unclaimed;

    private SocketActivation(List<Socket> inherited)
    {
        _unclaimed = inherited;
        Count = inherited.Count;
    }

    /// <summary>Binds what systemd did not pass (port 20): the privileged helper, or null for a plain bind.</summary>
    public IPrivilegedSocketSource? Fallback { get; set; }

    /// <summary>How many sockets systemd passed.</summary>
    public int Count { get; }

    /// <summary>Inherited sockets no endpoint asked for (a ferry.socket that does not match the configuration).</summary>
    public IReadOnlyList<EndPoint> Unclaimed
    {
        get
        {
            lock (_unclaimed)
            {
                return [.. _unclaimed.Select(socket => socket.LocalEndPoint!)];
            }
        }
    }

    /// <summary>
    /// The sockets passed to this process, or null when there are none. The variables are
    /// removed, as sd_listen_fds(3) does with unset_environment, so no child (the helper) takes them too.
    /// </summary>
    public static SocketActivation? FromEnvironment()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var count = Environment.GetEnvironmentVariable("LISTEN_FDS");
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
            || !int.TryParse(count, CultureInfo.InvariantCulture, out var descriptors) || descriptors <= 0)
        {
            return null;
        }

        var sockets = new List<Socket>();
        for (var fd = FirstDescriptor; fd < FirstDescriptor + descriptors; fd++)
        {
            // Inherited without close-on-exec; the helper must not inherit them in turn.
            UnixSeqPacket.SetCloseOnExec(fd);
            var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
            if (socket.SocketType != SocketType.Stream || socket.LocalEndPoint is not IPEndPoint)
            {
                socket.Dispose();
                throw new InvalidOperationException($"socket activation: descriptor {fd} is not a TCP socket (ferry.socket may only hold ListenStream= lines).");
            }

            sockets.Add(socket);
        }

        return new SocketActivation(sockets);
    }

    public ValueTask<Socket> BindAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        lock (_unclaimed)
        {
            var match = _unclaimed.FindIndex(socket => Matches((IPEndPoint)socket.LocalEndPoint!, endPoint));
            if (match >= 0)
            {
                var socket = _unclaimed[match];
                _unclaimed.RemoveAt(match);
                return ValueTask.FromResult(socket);
            }
        }

        if (Fallback is not null)
        {
            return Fallback.BindAsync(endPoint, cancellationToken);
        }

        return ValueTask.FromResult(TcpBinding.Bind(endPoint));
    }

    /// <summary>Same port, and the same address (IPv4-mapped or not; "::" and "0.0.0.0" match each other, as ListenStream=21 binds "::").</summary>
    private static bool Matches(IPEndPoint inherited, IPEndPoint wanted)
    {
        if (inherited.Port != wanted.Port)
        {
            return false;
        }

        static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
        var a = Plain(inherited.Address);
        var b = Plain(wanted.Address);
        return a.Equals(b) || (IsAny(a) && IsAny(b));
    }
}
