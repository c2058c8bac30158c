using System.Net;
using System.Net.Sockets;
using Ferry.Server.DataChannels;
using Ferry.Server.PrivilegeSeparation;
using Ferry.Server.Security;

namespace Ferry.Privileges;

/// <summary>
/// The root half of a privilege-separated Ferry (`ferry privileged-helper`, started by the server
/// itself): a request loop on its end of the socket pair that binds the allowed sockets and
/// checks system-account passwords, and refuses everything else. It treats the server as
/// untrusted (vsftpd's privileged parent does the same for its session process) and exits when
/// the server's end closes, so it never outlives it. It logs nothing but failures, to stderr.
/// </summary>
internal sealed class PrivilegedHelper
{
    private readonly UnixSeqPacket _channel;
    private readonly HelperPolicy _policy;
    private readonly List<IPEndPoint> _unboundListeners;
    private readonly PamSystemAccountVerifier? _verifier;
    private readonly Lock _sendLock = new();

    public PrivilegedHelper(UnixSeqPacket channel, HelperPolicy policy)
    {
        _channel = channel;
        _policy = policy;
        _unboundListeners = [.. policy.Listeners];
        _verifier = policy.SystemAccounts.Enabled ? new PamSystemAccountVerifier(policy.SystemAccounts) : null;
    }

    public int Run()
    {
        var buffer = new byte[HelperProtocol.MaxMessage];
        while (true)
        {
            int length;
            int fd;
            try
            {
                length = _channel.Receive(buffer, out fd);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                Console.Error.WriteLine("ferry privileged-helper: " + e.Message);
                return 1;
            }

            if (length == 0)
            {
                // The server is gone (exited or killed): so is the reason to hold root.
                return 0;
            }

            if (fd >= 0)
            {
                // The server never sends descriptors; drop any it does.
                UnixSeqPacket.CloseDescriptor(fd);
            }

            if (length < 5)
            {
                Console.Error.WriteLine("ferry privileged-helper: malformed request; exiting.");
                return 1;
            }

            var id = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(buffer);
            var arguments = buffer.AsSpan(5, length - 5).ToArray();
            try
            {
                switch ((HelperProtocol.Operation)buffer[4])
                {
                    case HelperProtocol.Operation.Bind:
                        Bind(id, HelperProtocol.ReadBindRequest(arguments));
                        break;
                    case HelperProtocol.Operation.Auth:
                        _ = AuthenticateAsync(id, arguments);
                        break;
                    default:
                        Send(HelperProtocol.Reply(id, HelperProtocol.Status.Refused));
                        break;
                }
            }
            catch (InvalidDataException)
            {
                Send(HelperProtocol.Reply(id, HelperProtocol.Status.Refused));
            }
        }
    }

    private void Bind(uint id, IPEndPoint endPoint)
    {
        if (!MayBind(endPoint))
        {
            Console.Error.WriteLine($"ferry privileged-helper: refused to bind {endPoint} (not in its policy).");
            Send(HelperProtocol.Reply(id, HelperProtocol.Status.Refused));
            return;
        }

        Socket socket;
        try
        {
            socket = TcpBinding.Bind(endPoint);
        }
        catch (SocketException e)
        {
            Send(HelperProtocol.Reply(id, HelperProtocol.Status.Failed, (int)e.SocketErrorCode));
            return;
        }

        // The descriptor in flight keeps the socket alive after this process closes its copy.
        // Each listener endpoint once (a list: Port and ImplicitTlsPort may both be 0).
        using (socket)
        {
            _unboundListeners.Remove(endPoint);
            Send(HelperProtocol.Reply(id, HelperProtocol.Status.Ok), (int)socket.SafeHandle.DangerousGetHandle());
        }
    }

    private bool MayBind(IPEndPoint endPoint)
    {
        if (_unboundListeners.Contains(endPoint))
        {
            return true;
        }

        // Port 20 only as an active-mode source: on a concrete local address (a bind to an
        // address the machine does not have fails with EADDRNOTAVAIL), never the wildcard.
        return _policy.Port20 && endPoint.Port == 20
            && !endPoint.Address.Equals(IPAddress.Any) && !endPoint.Address.Equals(IPAddress.IPv6Any);
    }

    private async Task AuthenticateAsync(uint id, byte[] arguments)
    {
        try
        {
            var (name, password) = HelperProtocol.ReadAuthRequest(arguments);
            if (_verifier is null)
            {
                Send(HelperProtocol.Reply(id, HelperProtocol.Status.Refused));
                return;
            }

            var (account, verdict) = await _verifier.CheckAsync(name, password, CancellationToken.None);
            Send(account is null
                ? HelperProtocol.Reply(id, HelperProtocol.Status.Refused, (int)verdict)
                : HelperProtocol.AuthAccepted(id, account.Uid, account.Gid, account.Home, account.Name));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("ferry privileged-helper: authentication failed: " + e.Message);
            Send(HelperProtocol.Reply(id, HelperProtocol.Status.Failed));
        }
    }

    private void Send(byte[] message, int fd = -1)
    {
        lock (_sendLock)
        {
            _channel.Send(message, fd);
        }
    }
}
