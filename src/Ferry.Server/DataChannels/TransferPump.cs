using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Ferry.Server.Connections;
using Ferry.Server.Quotas;
using Ferry.Server.Storage;

namespace Ferry.Server.DataChannels;

/// <summary>
/// The copy loops between storage and a data connection, with one pooled buffer per transfer.
/// A failure on the storage side surfaces as <see cref="StorageException"/> (451/452), one on the
/// network side as IOException/SocketException (426), so the caller can tell them apart.
/// </summary>
internal static class TransferPump
{
    private const int MinSendFileChunk = 256 * 1024;
    private const int MaxSendFileChunk = 64 * 1024 * 1024;

    /// <summary>
    /// Zero-copy download: the kernel moves file pages straight to the socket (SendPacketsAsync
    /// uses sendfile(2) on Linux). The chunk adapts to the client's speed so that each takes
    /// about 50-500 ms: few calls for a fast client, and for a slow one progress the stall
    /// watchdog can see and ABOR between chunks. Rate-limited, each chunk is the throttle's
    /// (about 100 ms at the limit) and waits for its permit first: still zero-copy.
    /// </summary>
    public static async Task SendFileAsync(Socket socket, FileStream file, long offset, DataTransfer transfer, CancellationToken cancellationToken)
    {
        var throttle = transfer.Throttle;
        var remaining = file.Length - offset;
        var chunk = throttle is null ? 4 * 1024 * 1024 : Math.Min(throttle.ChunkSize, MaxSendFileChunk);
        using var args = new SocketAsyncEventArgs();
        var completion = new SendPacketsAwaiter(args);
        await using var abort = cancellationToken.Register(static s => ((Socket)s!).Dispose(), socket);
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = (int)Math.Min(remaining, chunk);
            if (throttle is not null)
            {
                await throttle.WaitAsync(count, cancellationToken);
            }

            args.SendPacketsElements = [new SendPacketsElement(file, offset, count, endOfPacket: true)];
            var started = Environment.TickCount64;
            await completion.SendAsync(socket);
            var elapsed = Environment.TickCount64 - started;
            if (throttle is null)
            {
                chunk = elapsed < 50 ? Math.Min(chunk * 2, MaxSendFileChunk) : elapsed > 500 ? Math.Max(chunk / 2, MinSendFileChunk) : chunk;
            }
            offset += count;
            remaining -= count;
            transfer.AddBytes(count);
        }
    }

    /// <summary>
    /// Storage to network through the pooled buffer (TLS, ASCII, or storage without a file
    /// handle). Rate-limited, it reads at most a throttle chunk and waits for the bytes that go
    /// on the wire (after LF to CRLF) before writing them.
    /// </summary>
    public static async Task CopyToNetworkAsync(Stream file, Stream network, bool ascii, int bufferSize, DataTransfer transfer, CancellationToken cancellationToken)
    {
        var throttle = transfer.Throttle;
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        var readSize = Math.Min(buffer.Length, throttle?.ChunkSize ?? int.MaxValue);
        var converted = ascii ? ArrayPool<byte>.Shared.Rent(bufferSize * 2) : null;
        var lineEndings = default(AsciiLineEndings);
        try
        {
            while (true)
            {
                var read = await ReadStorageAsync(file, buffer.AsMemory(0, readSize), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                var (data, length) = converted is null
                    ? (buffer, read)
                    : (converted, lineEndings.ToNetwork(buffer.AsSpan(0, read), converted));
                if (throttle is not null)
                {
                    await throttle.WaitAsync(length, cancellationToken);
                }

                await network.WriteAsync(data.AsMemory(0, length), cancellationToken);

                transfer.AddBytes(read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (converted is not null)
            {
                ArrayPool<byte>.Shared.Return(converted);
            }
        }
    }

    /// <summary>
    /// Network to a local file by splice(2) (<see cref="SpliceReceiver"/>): plain, binary uploads.
    /// Where the file cannot take a splice (or no pipe can be made) the rest of the transfer goes
    /// through <see cref="CopyFromNetworkAsync"/>, from where splice left off;
    /// <paramref name="fallingBack"/> hears why.
    /// </summary>
    public static async Task SpliceFromNetworkAsync(Socket socket, Stream network, FileStream file, int bufferSize, DataTransfer transfer, Action<string> fallingBack, CancellationToken cancellationToken)
    {
        if (await SpliceReceiver.ReceiveAsync(socket, file, transfer, cancellationToken) is not { } reason)
        {
            return;
        }

        fallingBack(reason);
        await CopyFromNetworkAsync(network, file, ascii: false, bufferSize, transfer, cancellationToken);
    }

    /// <summary>
    /// Network to storage. Rate-limited, it reads at most a throttle chunk and waits for the
    /// bytes read before reading on: while it waits nothing is read, the socket's receive window
    /// fills, and TCP back-pressure slows the sender to the limit.
    /// </summary>
    public static async Task CopyFromNetworkAsync(Stream network, Stream file, bool ascii, int bufferSize, DataTransfer transfer, CancellationToken cancellationToken)
    {
        var throttle = transfer.Throttle;
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        var readSize = Math.Min(buffer.Length, throttle?.ChunkSize ?? int.MaxValue);
        var converted = ascii ? ArrayPool<byte>.Shared.Rent(bufferSize + 1) : null;
        var lineEndings = default(AsciiLineEndings);
        var budget = new UploadBudget(transfer.Allowance);
        try
        {
            var ended = false;
            ValueTask<int>? probe = null;
            while (!ended)
            {
                (var read, ended, probe) = await FillAsync(network, buffer.AsMemory(0, budget.NextRead(transfer.BytesTransferred, readSize)), probe, transfer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                if (budget.Exceeded(transfer.BytesTransferred))
                {
                    await budget.RefuseAsync(network, cancellationToken);
                }

                if (throttle is not null)
                {
                    await throttle.WaitAsync(read, cancellationToken);
                }

                if (converted is null)
                {
                    await WriteStorageAsync(file, buffer.AsMemory(0, read), cancellationToken);
                }
                else
                {
                    var length = lineEndings.ToLocal(buffer.AsSpan(0, read), converted);
                    await WriteStorageAsync(file, converted.AsMemory(0, length), cancellationToken);
                }
            }

            if (converted is not null)
            {
                var tail = lineEndings.FlushLocal(converted);
                await WriteStorageAsync(file, converted.AsMemory(0, tail), cancellationToken);
            }

            try
            {
                await file.FlushAsync(cancellationToken);
            }
            catch (Exception e) when (e is not (StorageException or OperationCanceledException))
            {
                throw Storage(e);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (converted is not null)
            {
                ArrayPool<byte>.Shared.Return(converted);
            }
        }
    }

    /// <summary>
    /// Reads what the data connection has ready, up to <paramref name="buffer"/>'s size: at least
    /// one read (waiting for it), then more only while more is ready at once, so bytes reach the
    /// file as soon as the sender pauses. Over TLS a read gives one record (16 KiB at most), and
    /// writing each to the file on its own cost a thread-pool hop per record, 65,536 per GiB.
    /// Whether more is ready is a zero-byte read (SslStream and sockets wait for data with one,
    /// taking none): when it does not complete at once it is handed back, to be awaited before
    /// the next read, after the write. Progress counts per read, for the stall watchdog.
    /// </summary>
    private static async ValueTask<(int Count, bool Ended, ValueTask<int>? Probe)> FillAsync(
        Stream network, Memory<byte> buffer, ValueTask<int>? probe, DataTransfer transfer, CancellationToken cancellationToken)
    {
        if (probe is { } pending)
        {
            await pending;
        }

        var filled = 0;
        while (filled < buffer.Length)
        {
            if (filled > 0)
            {
                var ready = network.ReadAsync(Memory<byte>.Empty, cancellationToken);
                if (!ready.IsCompleted)
                {
                    return (filled, false, ready);
                }

                await ready;
            }

            var read = await network.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
            {
                return (filled, true, null);
            }

            transfer.AddBytes(read);
            filled += read;
        }

        return (filled, false, null);
    }

    // Pooled builders: these await real file I/O once per chunk, and a plain async ValueTask
    // allocates its state machine box each time it completes asynchronously (about 150 B per
    // 256 KiB chunk in bench/Ferry.Benchmarks).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<int> ReadStorageAsync(Stream file, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await file.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (e is not (StorageException or OperationCanceledException))
        {
            throw Storage(e);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask WriteStorageAsync(Stream file, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty)
        {
            return;
        }

        try
        {
            await file.WriteAsync(data, cancellationToken);
        }
        catch (Exception e) when (e is not (StorageException or OperationCanceledException))
        {
            throw Storage(e);
        }
    }

    private static StorageException Storage(Exception e) => StorageWriteErrors.FromException(e);

    /// <summary>Awaits SendPacketsAsync without allocating a task per chunk's callback plumbing.</summary>
    private sealed class SendPacketsAwaiter
    {
        private readonly SocketAsyncEventArgs _args;
        private TaskCompletionSource? _pending;

        public SendPacketsAwaiter(SocketAsyncEventArgs args)
        {
            _args = args;
            _args.Completed += (_, _) => Complete();
        }

        public Task SendAsync(Socket socket)
        {
            _pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!socket.SendPacketsAsync(_args))
            {
                Complete();
            }

            return _pending.Task;
        }

        private void Complete()
        {
            if (_args.SocketError == SocketError.Success)
            {
                _pending!.TrySetResult();
            }
            else
            {
                _pending!.TrySetException(new SocketException((int)_args.SocketError));
            }
        }
    }
}
