using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Ferry.Server.PrivilegeSeparation;

/// <summary>
/// A connected AF_UNIX SOCK_SEQPACKET pair end: each send is one message, read whole by one
/// receive, and a message may carry one file descriptor (SCM_RIGHTS, unix(7)). .NET has no
/// managed API for passing descriptors, so this is sendmsg/recvmsg by hand. Reads and writes
/// block: the caller gives them a thread of their own.
/// </summary>
internal sealed unsafe partial class UnixSeqPacket : IDisposable
{
    private const int AfUnix = 1;
    private const int SockSeqPacket = 5;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgCmsgCloexec = 0x40000000;
    private const int MsgNoSignal = 0x4000;
    private const int MsgCtrunc = 0x8;
    private const int FSetFd = 2;
    private const int FdCloexec = 1;
    private const int Eintr = 4;
    private const int ShutRdWr = 2;

    // CMSG_SPACE(sizeof(int)) on LP64: a 16-byte cmsghdr and the int padded to 8.
    private const int ControlSpace = 24;
    private const int ControlLength = 20;

    private int _fd;

    public UnixSeqPacket(int fd) => _fd = fd;

    /// <summary>The descriptor, for the one spawn that must inherit it.</summary>
    public int Descriptor => _fd;

    /// <summary>A connected pair, both ends close-on-exec.</summary>
    public static (UnixSeqPacket First, UnixSeqPacket Second) CreatePair()
    {
        var fds = stackalloc int[2];
        if (socketpair(AfUnix, SockSeqPacket | SockCloexec, 0, fds) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "socketpair failed");
        }

        return (new UnixSeqPacket(fds[0]), new UnixSeqPacket(fds[1]));
    }

    /// <summary>Lets (or stops) a child started now inherit this end.</summary>
    public void SetInheritable(bool inheritable)
    {
        if (fcntl(_fd, FSetFd, inheritable ? 0 : FdCloexec) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "fcntl(F_SETFD) failed");
        }
    }

    /// <summary>Marks any descriptor close-on-exec (inherited ones, such as systemd's listeners, are not).</summary>
    public static void SetCloseOnExec(int fd)
    {
        if (fcntl(fd, FSetFd, FdCloexec) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "fcntl(F_SETFD) failed");
        }
    }

    /// <summary>Sends one message, with <paramref name="passFd"/> attached when it is 0 or more.</summary>
    public void Send(ReadOnlySpan<byte> message, int passFd = -1)
    {
        fixed (byte* data = message)
        {
            var control = stackalloc byte[ControlSpace];
            var iov = new IoVector { Base = data, Length = (nuint)message.Length };
            var header = new MessageHeader { Iov = &iov, IovLength = 1 };
            if (passFd >= 0)
            {
                new Span<byte>(control, ControlSpace).Clear();
                *(nuint*)control = ControlLength;
                *(int*)(control + 8) = SolSocket;
                *(int*)(control + 12) = ScmRights;
                *(int*)(control + 16) = passFd;
                header.Control = control;
                header.ControlLength = ControlSpace;
            }

            nint sent;
            do
            {
                sent = sendmsg(_fd, &header, MsgNoSignal);
            }
            while (sent < 0 && Marshal.GetLastPInvokeError() == Eintr);

            if (sent < 0)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "sendmsg failed");
            }
        }
    }

    /// <summary>
    /// One message into <paramref name="buffer"/>: its length (0 when the peer has closed its end)
    /// and the descriptor it carried, or -1. A received descriptor is close-on-exec and the caller's.
    /// </summary>
    public int Receive(Span<byte> buffer, out int receivedFd)
    {
        receivedFd = -1;
        fixed (byte* data = buffer)
        {
            var control = stackalloc byte[ControlSpace];
            new Span<byte>(control, ControlSpace).Clear();
            var iov = new IoVector { Base = data, Length = (nuint)buffer.Length };
            var header = new MessageHeader { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSpace };
            nint received;
            do
            {
                received = recvmsg(_fd, &header, MsgCmsgCloexec);
            }
            while (received < 0 && Marshal.GetLastPInvokeError() == Eintr);

            if (received < 0)
            {
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "recvmsg failed");
            }

            if (header.ControlLength >= ControlLength
                && *(int*)(control + 8) == SolSocket && *(int*)(control + 12) == ScmRights)
            {
                receivedFd = *(int*)(control + 16);
            }

            if ((header.Flags & MsgCtrunc) != 0 && receivedFd < 0)
            {
                throw new InvalidDataException("A descriptor was sent but did not fit.");
            }

            return (int)received;
        }
    }

    /// <summary>
    /// shutdown(2) both ways: wakes a thread blocked in <see cref="Receive"/> (close alone would
    /// not) and shows the peer end-of-file. It acts on the socket, not the descriptor, so never
    /// call it on an end another process shares.
    /// </summary>
    public void Shutdown() => _ = shutdown(_fd, ShutRdWr);

    /// <summary>Closes a descriptor this process received and will not use.</summary>
    public static void CloseDescriptor(int fd) => close(fd);

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            close(fd);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    // struct msghdr on LP64 Linux.
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int fd, MessageHeader* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int fd, MessageHeader* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int fd, int how);
}
