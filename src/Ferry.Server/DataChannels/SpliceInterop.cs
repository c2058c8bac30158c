using System.Runtime.InteropServices;

namespace Ferry.Server.DataChannels;

/// <summary>
/// The libc calls of the splice(2) upload path. Each returns the call's result, or minus the
/// errno when it failed, so callers switch on one number; EINTR is retried here (the runtime's
/// signals can interrupt a call that waits on the disk).
/// </summary>
internal static unsafe partial class SpliceInterop
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int EDQUOT = 122;

    /// <summary>SPLICE_F_MOVE: a hint to move pages rather than copy (a no-op since Linux 2.6.21, kept as every splice user passes it).</summary>
    private const uint SpliceMove = 1;

    /// <summary>SPLICE_F_NONBLOCK: do not block on the pipe (the socket's own O_NONBLOCK covers the socket).</summary>
    private const uint SpliceNonBlock = 2;

    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;
    private const int F_GETFL = 3;
    private const int F_SETPIPE_SZ = 1031;
    private const int F_GETPIPE_SZ = 1032;

    /// <summary>pipe2(O_CLOEXEC | O_NONBLOCK): the read and write ends, or minus the errno (EMFILE, ENFILE).</summary>
    public static int CreatePipe(out int readEnd, out int writeEnd)
    {
        var fds = stackalloc int[2];
        var result = pipe2(fds, O_CLOEXEC | O_NONBLOCK);
        readEnd = fds[0];
        writeEnd = fds[1];
        return result == 0 ? 0 : -Marshal.GetLastPInvokeError();
    }

    /// <summary>F_SETPIPE_SZ: the capacity granted (the kernel rounds up to a power-of-two of pages), or minus the errno (EPERM over the user's pipe quota).</summary>
    public static int SetPipeSize(int fd, int bytes) => Fcntl(fd, F_SETPIPE_SZ, bytes);

    public static int GetPipeSize(int fd) => Fcntl(fd, F_GETPIPE_SZ, 0);

    /// <summary>Whether the descriptor is in non-blocking mode (a socket must be, or splice would block a pool thread).</summary>
    public static bool IsNonBlocking(SafeHandle fd)
    {
        using var lease = new FdLease(fd);
        var flags = Fcntl(lease.Fd, F_GETFL, 0);
        return flags >= 0 && (flags & O_NONBLOCK) != 0;
    }

    /// <summary>Socket to pipe, at most <paramref name="count"/> bytes, never blocking: bytes moved, 0 at end of stream, or minus the errno (EAGAIN: nothing to read yet).</summary>
    public static long FromSocket(SafeHandle socket, SafeHandle pipeWrite, int count)
    {
        using var from = new FdLease(socket);
        using var to = new FdLease(pipeWrite);
        return Splice(from.Fd, null, to.Fd, null, count, SpliceMove | SpliceNonBlock);
    }

    /// <summary>Pipe to file at <paramref name="offset"/> (advanced by what was written; the file's own offset is left alone, as with pwrite): bytes written or minus the errno.</summary>
    public static long ToFile(SafeHandle pipeRead, SafeHandle file, ref long offset, int count)
    {
        using var from = new FdLease(pipeRead);
        using var to = new FdLease(file);
        fixed (long* at = &offset)
        {
            return Splice(from.Fd, null, to.Fd, at, count, SpliceMove);
        }
    }

    /// <summary>read(2) from the pipe into <paramref name="buffer"/>: bytes read, or minus the errno.</summary>
    public static long Read(SafeHandle fd, Span<byte> buffer)
    {
        using var lease = new FdLease(fd);
        fixed (byte* data = buffer)
        {
            while (true)
            {
                var result = read(lease.Fd, data, (nuint)buffer.Length);
                if (result >= 0)
                {
                    return result;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
                {
                    return -(long)errno;
                }
            }
        }
    }

    private static long Splice(int fdIn, long* offsetIn, int fdOut, long* offsetOut, int count, uint flags)
    {
        while (true)
        {
            var result = splice(fdIn, offsetIn, fdOut, offsetOut, (nuint)count, flags);
            if (result >= 0)
            {
                return result;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                return -(long)errno;
            }
        }
    }

    private static int Fcntl(int fd, int command, int argument)
    {
        var result = fcntl(fd, command, argument);
        return result >= 0 ? result : -Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint splice(int fdIn, long* offsetIn, int fdOut, long* offsetOut, nuint length, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buffer, nuint count);

    /// <summary>
    /// The raw descriptor of a SafeHandle, with a reference held until disposed, so a concurrent
    /// Dispose (ABOR closing the socket) cannot close the descriptor, and the OS hand its number
    /// to another file, in the middle of a call. A handle already closed throws
    /// ObjectDisposedException, which the transfer reports as a lost or aborted connection.
    /// </summary>
    private readonly ref struct FdLease
    {
        private readonly SafeHandle _handle;

        public FdLease(SafeHandle handle)
        {
            var added = false;
            handle.DangerousAddRef(ref added);
            _handle = handle;
            Fd = (int)handle.DangerousGetHandle();
        }

        public int Fd { get; }

        public void Dispose() => _handle.DangerousRelease();
    }
}
