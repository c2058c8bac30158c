using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ferry.Server;
using Ferry.Server.PrivilegeSeparation;
using Ferry.Server.Security;

namespace Ferry.Privileges;

/// <summary>
/// The server's side of the privileged helper: starts it (a second `ferry` process, since .NET
/// cannot fork), then asks it for bound sockets and system-account checks. One helper serves the
/// whole server, because Ferry is one process for every session (vsftpd pairs one helper with
/// each session process instead). Requests are multiplexed by id; one thread reads the replies.
/// </summary>
internal sealed class PrivilegedHelperClient : IPrivilegedSocketSource, ISystemAccountVerifier, IDisposable
{
    private readonly UnixSeqPacket _channel;
    private readonly Process _process;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<(byte[] Reply, int Fd)>> _pending = new();
    private readonly Lock _sendLock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private uint _nextId;

    private PrivilegedHelperClient(UnixSeqPacket channel, Process process)
    {
        _channel = channel;
        _process = process;
        var reader = new Thread(ReadReplies) { IsBackground = true, Name = "ferry privileged-helper replies" };
        reader.Start();
    }

    public int ProcessId => _process.Id;

    /// <summary>Completes when the helper's end of the socket closes (it exited).</summary>
    public Task Exited => _exited.Task;

    /// <summary>
    /// Starts the helper, which inherits one end of a fresh socket pair (the only descriptor
    /// this spawn leaves open; every other one .NET opens is close-on-exec).
    /// </summary>
    public static PrivilegedHelperClient Start(HelperPolicy policy)
    {
        var (ours, theirs) = UnixSeqPacket.CreatePair();
        try
        {
            var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            {
                // Run as `dotnet ferry.dll`: the helper is the same dll, beside this one. (Not
                // Assembly.Location: it is empty in a single-file publish, and the analyzer says so.)
                start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, typeof(PrivilegedHelperClient).Assembly.GetName().Name + ".dll"));
            }

            start.ArgumentList.Add("privileged-helper");
            start.ArgumentList.Add("--fd");
            start.ArgumentList.Add(theirs.Descriptor.ToString(CultureInfo.InvariantCulture));
            foreach (var argument in policy.ToArguments())
            {
                start.ArgumentList.Add(argument);
            }

            theirs.SetInheritable(true);
            var process = Process.Start(start) ?? throw new InvalidOperationException("the privileged helper did not start.");
            return new PrivilegedHelperClient(ours, process);
        }
        catch
        {
            ours.Dispose();
            throw;
        }
        finally
        {
            theirs.Dispose();
        }
    }

    public async ValueTask<Socket> BindAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        if (endPoint.Address.IsIPv4MappedToIPv6)
        {
            endPoint = new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port);
        }

        var id = Interlocked.Increment(ref _nextId);
        var (reply, fd) = await RequestAsync(id, HelperProtocol.BindRequest(id, endPoint), cancellationToken);
        var status = (HelperProtocol.Status)reply[4];
        if (status == HelperProtocol.Status.Ok && fd >= 0)
        {
            return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        }

        if (fd >= 0)
        {
            UnixSeqPacket.CloseDescriptor(fd);
        }

        throw status == HelperProtocol.Status.Failed && reply.Length >= 9
            ? new SocketException(BinaryPrimitives.ReadInt32LittleEndian(reply.AsSpan(5)))
            : new SocketException((int)SocketError.AccessDenied);
    }

    public async ValueTask<SystemAccount?> VerifyAsync(string name, string password, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        byte[] request;
        try
        {
            request = HelperProtocol.AuthRequest(id, name, password);
        }
        catch (ArgumentException)
        {
            return null;
        }

        byte[] reply;
        int fd;
        try
        {
            (reply, fd) = await RequestAsync(id, request, cancellationToken);
        }
        catch (SocketException)
        {
            // The helper is gone (logged once, event 5301): no system account can be checked.
            return null;
        }

        if (fd >= 0)
        {
            UnixSeqPacket.CloseDescriptor(fd);
        }

        if ((HelperProtocol.Status)reply[4] != HelperProtocol.Status.Ok)
        {
            return null;
        }

        var (uid, gid, home, accountName) = HelperProtocol.ReadAuthAccepted(reply.AsSpan(5));
        return new SystemAccount(accountName, uid, gid, home);
    }

    private async Task<(byte[] Reply, int Fd)> RequestAsync(uint id, byte[] request, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<(byte[] Reply, int Fd)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            if (_exited.Task.IsCompleted)
            {
                throw new SocketException((int)SocketError.NotConnected);
            }

            lock (_sendLock)
            {
                _channel.Send(request);
            }

            return await reply.Task.WaitAsync(cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SocketException(e.NativeErrorCode);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private void ReadReplies()
    {
        var buffer = new byte[HelperProtocol.MaxMessage];
        try
        {
            while (true)
            {
                var length = _channel.Receive(buffer, out var fd);
                if (length == 0)
                {
                    break;
                }

                var id = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
                if (length >= 5 && _pending.TryGetValue(id, out var waiter) && waiter.TrySetResult((buffer[..length], fd)))
                {
                    continue;
                }

                if (fd >= 0)
                {
                    // Nobody waits for it any more (cancelled): do not leak the socket.
                    UnixSeqPacket.CloseDescriptor(fd);
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }

        _exited.TrySetResult();
        foreach (var waiter in _pending.Values)
        {
            waiter.TrySetException(new SocketException((int)SocketError.NotConnected));
        }
    }

    public void Dispose()
    {
        // End-of-file on our end is what tells the helper to exit; the reader thread wakes too,
        // and the descriptor is closed only once nothing can be blocked on it.
        _channel.Shutdown();
        _exited.Task.Wait(TimeSpan.FromSeconds(5));
        _channel.Dispose();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
