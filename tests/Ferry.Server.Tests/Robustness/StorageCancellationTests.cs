using System.Net.Sockets;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Robustness;

/// <summary>
/// Cancellation reaches every storage call (issue 13): a call that hangs (a remote store that
/// stops answering) is released by ABOR inside a transfer, and by the client hanging up while a
/// command waits on it, so neither the transfer nor the session is held for ever.
/// </summary>
public sealed class StorageCancellationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    [VerbTest("ABOR")]
    public async Task Abor_ends_a_download_whose_storage_read_hangs()
    {
        var hang = new StorageHang(HangAt.Read);
        await using var server = await TestServer.StartAsync(fileSystemFactory: user => new HangingFileSystem(new LocalFileSystem(user.HomeDirectory), hang));
        await File.WriteAllBytesAsync(server.PathOf("slow.bin"), new byte[4096]);
        await using var ftp = await server.ConnectAsync();

        using var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("RETR slow.bin", 150);
        await hang.Entered.WaitAsync(Patience);

        await ftp.SendAsync("ABOR");
        await ftp.ExpectAsync(426);
        await ftp.ExpectAsync(226);
        Assert.True(await hang.Cancelled.WaitAsync(Patience));
        await ftp.CommandAsync("NOOP", 200);
    }

    [Fact]
    [VerbTest("MDTM")]
    public async Task Closing_the_control_connection_releases_a_command_blocked_in_storage()
    {
        var hang = new StorageHang(HangAt.Lookup);
        await using var server = await TestServer.StartAsync(fileSystemFactory: user => new HangingFileSystem(new LocalFileSystem(user.HomeDirectory), hang));
        await server.WaitForSessionsAsync(0);
        var ftp = await server.ConnectAsync();
        await ftp.SendAsync("MDTM slow.bin");
        await hang.Entered.WaitAsync(Patience);

        await ftp.DisposeAsync();
        Assert.True(await hang.Cancelled.WaitAsync(Patience));
        await server.WaitForSessionsAsync(0);
    }

    /// <summary>The file is opened in the handler, before the transfer exists (and before ABOR could be read): the hang-up still releases it, and the prepared data connection.</summary>
    [Fact]
    [VerbTest("RETR")]
    public async Task Closing_the_control_connection_releases_a_retr_whose_storage_open_hangs()
    {
        var hang = new StorageHang(HangAt.Open);
        await using var server = await TestServer.StartAsync(fileSystemFactory: user => new HangingFileSystem(new LocalFileSystem(user.HomeDirectory), hang));
        await File.WriteAllBytesAsync(server.PathOf("slow.bin"), new byte[16]);
        await server.WaitForSessionsAsync(0);
        var ftp = await server.ConnectAsync();
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync("RETR slow.bin");
        await hang.Entered.WaitAsync(Patience);

        await ftp.DisposeAsync();
        Assert.True(await hang.Cancelled.WaitAsync(Patience));
        await server.WaitForSessionsAsync(0);
        using var timeout = new CancellationTokenSource(Patience);
        Assert.Equal(0, await data.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token));
    }

    /// <summary>The storage call that hangs.</summary>
    private enum HangAt
    {
        /// <summary>GetEntryAsync (MDTM, SIZE, and the lookup before RETR).</summary>
        Lookup,

        /// <summary>OpenReadAsync, in the RETR handler.</summary>
        Open,

        /// <summary>The opened file's reads, inside the transfer.</summary>
        Read,
    }

    /// <summary>Which call hangs for the file named slow.bin, and what the test observes of it.</summary>
    private sealed class StorageHang(HangAt at)
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<bool> _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        /// <summary>Completes, true, when the hung call saw its token cancelled.</summary>
        public Task<bool> Cancelled => _cancelled.Task;

        public bool Applies(HangAt call, VirtualPath path) => call == at && path.Name == "slow.bin";

        /// <summary>Blocks until <paramref name="cancellationToken"/> is cancelled, as a store that stopped answering would.</summary>
        public async Task BlockAsync(CancellationToken cancellationToken)
        {
            _entered.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                _cancelled.TrySetResult(cancellationToken.IsCancellationRequested);
            }
        }
    }

    /// <summary>Local disk whose one call for slow.bin hangs until cancelled.</summary>
    private sealed class HangingFileSystem(IFileSystem inner, StorageHang hang) : ForwardingFileSystem(inner)
    {
        public override async ValueTask<FileSystemEntry?> GetEntryAsync(VirtualPath path, CancellationToken cancellationToken)
        {
            if (hang.Applies(HangAt.Lookup, path))
            {
                await hang.BlockAsync(cancellationToken);
            }

            return await Inner.GetEntryAsync(path, cancellationToken);
        }

        /// <summary>SIZE and MDTM look up through here (a kept partial answers for a missing file).</summary>
        public override async ValueTask<FileSystemEntry?> GetResumableEntryAsync(VirtualPath path, CancellationToken cancellationToken)
        {
            if (hang.Applies(HangAt.Lookup, path))
            {
                await hang.BlockAsync(cancellationToken);
            }

            return await Inner.GetResumableEntryAsync(path, cancellationToken);
        }

        public override async ValueTask<Stream> OpenReadAsync(VirtualPath path, long offset, CancellationToken cancellationToken)
        {
            if (hang.Applies(HangAt.Open, path))
            {
                await hang.BlockAsync(cancellationToken);
            }

            var file = await Inner.OpenReadAsync(path, offset, cancellationToken);
            return hang.Applies(HangAt.Read, path) ? new HangingStream(file, hang) : file;
        }
    }

    /// <summary>A file whose reads never return until cancelled.</summary>
    private sealed class HangingStream(Stream inner, StorageHang hang) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await hang.BlockAsync(cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The transfer reads asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
