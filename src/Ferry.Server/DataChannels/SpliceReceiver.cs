using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Ferry.Server.Connections;
using Ferry.Server.Quotas;
using Microsoft.Win32.SafeHandles;

namespace Ferry.Server.DataChannels;

/// <summary>
/// Upload into a local file without the bytes entering user space (plain connection, TYPE I):
/// splice(2) hands the socket's buffers to a pipe by reference, then copies them from the pipe
/// into the file's page cache, the one copy left. The copy loop makes two (socket to buffer,
/// buffer to file) and its synchronous FileStream write hops to the thread pool each time; here
/// two system calls move up to 1 MiB, on the thread that saw the socket readable (vsftpd, the
/// anchor, does a blocking read() and write()). It keeps what the copy loop guarantees: progress
/// for the stall watchdog and the transfer log per chunk, the rate limit (a throttled transfer
/// reads one throttle chunk, then waits for it before reading on, so TCP back-pressure slows the
/// sender), and ABOR at any wait.
/// </summary>
internal static class SpliceReceiver
{
    /// <summary>
    /// Receives until the client closes the data connection. Returns null when every byte is in
    /// the file; otherwise the reason the rest must go through the copy loop (the file system
    /// cannot splice, EINVAL; no descriptor for a pipe, or only a tiny pipe). Nothing is lost
    /// then: all bytes taken from the socket are written, and the file's position is where the
    /// next byte goes.
    /// A failed write throws <see cref="Storage.StorageException"/> (452 for a full disk), a
    /// failed connection IOException (426).
    /// </summary>
    public static async Task<string?> ReceiveAsync(Socket socket, FileStream file, DataTransfer transfer, CancellationToken cancellationToken)
    {
        var socketHandle = socket.SafeHandle;
        if (!SpliceInterop.IsNonBlocking(socketHandle))
        {
            // .NET makes a socket's descriptor non-blocking, for good, at its first asynchronous
            // operation, and a freshly accepted data socket has had none. A zero-byte receive is
            // one (and waits for the first bytes). Still blocking, splice would hold a pool thread
            // until data came, and only closing the socket could free it.
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
            if (!SpliceInterop.IsNonBlocking(socketHandle))
            {
                return "the data socket is in blocking mode";
            }
        }

        using var pipe = SplicePipe.TryCreate(out var pipeErrno);
        if (pipe is null)
        {
            return "no pipe: " + Marshal.GetPInvokeErrorMessage(pipeErrno);
        }

        if (pipe.Capacity < SplicePipe.MinUsefulCapacity)
        {
            return $"the pipe holds only {pipe.Capacity} bytes (the server's user is over /proc/sys/fs/pipe-user-pages-soft)";
        }

        var fileHandle = file.SafeFileHandle;
        var offset = file.Position;
        var throttle = transfer.Throttle;
        var chunk = Math.Min(pipe.Capacity, throttle?.ChunkSize ?? int.MaxValue);
        var budget = new UploadBudget(transfer.Allowance);

        // As SendFileAsync: ABOR, a stall or shutdown closes the socket, so no wait can outlast it.
        await using var abort = cancellationToken.Register(static s => ((Socket)s!).Dispose(), socket);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var moved = SpliceInterop.FromSocket(socketHandle, pipe.WriteEnd, budget.NextRead(transfer.BytesTransferred, chunk));
                if (moved == -SpliceInterop.EAGAIN)
                {
                    // Nothing to read yet. A zero-byte receive is .NET's readiness wait on Linux:
                    // it completes, without a buffer, once data or the end of the stream is there.
                    await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
                    continue;
                }

                if (moved < 0)
                {
                    throw new IOException("splice from the data connection failed: " + Marshal.GetPInvokeErrorMessage((int)-moved), (int)-moved);
                }

                if (moved == 0)
                {
                    return null;
                }

                transfer.AddBytes(moved);
                // Past the quota: the bytes stay in the pipe, which is closed; none reach the file.
                if (budget.Exceeded(transfer.BytesTransferred))
                {
                    await using var rest = new NetworkStream(socket, ownsSocket: false);
                    await budget.RefuseAsync(rest, cancellationToken);
                }
                var unspliced = DrainToFile(pipe, fileHandle, ref offset, (int)moved);
                if (unspliced > 0)
                {
                    CopyOutOfPipe(pipe, fileHandle, ref offset, unspliced);
                    return "the file system cannot splice into this file (EINVAL)";
                }

                if (throttle is not null)
                {
                    await throttle.WaitAsync((int)moved, cancellationToken);
                }
            }
        }
        finally
        {
            // splice wrote at an explicit offset, as pwrite does; the stream learns where the file now ends.
            file.Position = offset;
        }
    }

    /// <summary>
    /// Writes the <paramref name="count"/> bytes in the pipe into the file at <paramref name="offset"/>.
    /// Returns 0, or the bytes still in the pipe when the file cannot take a splice (EINVAL: some
    /// FUSE file systems, a file opened with O_APPEND).
    /// </summary>
    private static int DrainToFile(SplicePipe pipe, SafeHandle file, ref long offset, int count)
    {
        while (count > 0)
        {
            var written = SpliceInterop.ToFile(pipe.ReadEnd, file, ref offset, count);
            if (written == -SpliceInterop.EINVAL)
            {
                return count;
            }

            if (written < 0)
            {
                var errno = (int)-written;
                throw StorageWriteErrors.FromErrno(errno, new IOException(Marshal.GetPInvokeErrorMessage(errno), errno));
            }

            if (written == 0)
            {
                // The pipe holds what splice said it moved, and a file write of 0 bytes is no error: neither can happen.
                throw new InvalidOperationException($"splice into the file moved nothing with {count} bytes in the pipe.");
            }

            count -= (int)written;
        }

        return 0;
    }

    /// <summary>The bytes a file could not take by splice: read out of the pipe and written the ordinary way.</summary>
    private static void CopyOutOfPipe(SplicePipe pipe, SafeFileHandle file, ref long offset, int count)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(count, 256 * 1024));
        try
        {
            while (count > 0)
            {
                var read = SpliceInterop.Read(pipe.ReadEnd, buffer.AsSpan(0, Math.Min(count, buffer.Length)));
                if (read <= 0)
                {
                    throw new InvalidOperationException($"reading {count} bytes back out of the splice pipe gave {read}.");
                }

                try
                {
                    RandomAccess.Write(file, buffer.AsSpan(0, (int)read), offset);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw StorageWriteErrors.FromException(e);
                }

                offset += read;
                count -= (int)read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
