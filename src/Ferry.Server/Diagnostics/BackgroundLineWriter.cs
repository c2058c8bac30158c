using System.Buffers;
using System.Text;
using System.Threading.Channels;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// Appends lines to a file from a background task, so a session that logs never waits for a disk:
/// items go into a bounded queue (<see cref="TryWrite"/> never blocks; when the queue is full the
/// item is dropped and counted), and one writer formats them and appends them in batches, one
/// write(2) per batch. Formatting happens here, off the session's path, so an item can be a plain
/// record (an xferlog line is built from a <see cref="TransferRecord"/> only when it is written).
/// </summary>
/// <typeparam name="T">What is queued: a finished line, or the record a line is made from.</typeparam>
internal sealed class BackgroundLineWriter<T> : IAsyncDisposable
{
    /// <summary>Lines waiting at most: about 10,000 lines of 200 bytes is 2 MB, seconds of a busy server's transfers.</summary>
    public const int DefaultCapacity = 10_000;

    private const int BatchChars = 64 * 1024;

    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(5);

    private readonly Channel<(T Item, bool WakeUp)> _queue;
    private readonly Action<T, StringBuilder> _format;
    private readonly Action<string> _problem;
    private readonly Task _loop;
    private readonly TimeSpan _gather;
    private AppendOnlyFile _file;
    private volatile bool _reopenRequested;
    private long _dropped;
    private bool _failing;

    /// <param name="path">The file; opened (created) now, so a path that cannot be written fails the start, not the first line.</param>
    /// <param name="format">Appends one item's line, without its line end.</param>
    /// <param name="problem">Told when lines were dropped or a write failed; must not write to this file.</param>
    /// <param name="capacity">Items waiting at most.</param>
    /// <param name="create">False: only append to a file that exists (a `ferry user` command must not create the server's log as root).</param>
    public BackgroundLineWriter(string path, Action<T, StringBuilder> format, Action<string> problem, int capacity = DefaultCapacity, bool create = true)
        : this(AppendOnlyFile.Open(path, create), format, problem, TimeSpan.Zero, capacity)
    {
    }

    /// <param name="file">Where the lines go (<see cref="AppendOnlyFile.StandardOutput"/>, say); disposed with this writer.</param>
    /// <param name="format">Appends one item's line, without its line end.</param>
    /// <param name="problem">Told when lines were dropped or a write failed; must not write to this file.</param>
    /// <param name="gather">
    /// How long the writer lets lines gather after the first one before it writes them: one wake-up
    /// and one write(2) per interval instead of one per line (a busy server logs thousands of lines
    /// a second); the price is that much delay on a line. Zero: write at once.
    /// </param>
    /// <param name="capacity">Items waiting at most.</param>
    public BackgroundLineWriter(AppendOnlyFile file, Action<T, StringBuilder> format, Action<string> problem, TimeSpan gather, int capacity = DefaultCapacity)
    {
        _file = file;
        _gather = gather;
        _format = format;
        _problem = problem;
        _queue = Channel.CreateBounded<(T Item, bool WakeUp)>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _loop = Task.Run(WriteLoopAsync);
    }

    public string Path => _file.Path;

    /// <summary>The file at <see cref="Path"/> is not the one being written (rotated away): <see cref="Reopen"/> would move on to a new one.</summary>
    public bool MovedAway => _file.Reopenable && _file.MovedAway;

    /// <summary>Queues an item; never blocks (a full queue drops it, counted and reported).</summary>
    public void TryWrite(T item) => _queue.Writer.TryWrite((item, false));

    /// <summary>
    /// After logrotate moved the file: the next batch goes to a new file at the configured path
    /// (lines already queued included). The old descriptor is closed once the new one is open; if
    /// the new one cannot be opened, writing goes on to the old file and the problem is reported.
    /// </summary>
    public void Reopen()
    {
        _reopenRequested = true;

        // Wake the writer even when nothing is queued, so the rotated file is let go of now.
        _queue.Writer.TryWrite((default!, true));
    }

    /// <summary>Writes what is queued (up to 5 s), then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.WaitAsync(DisposeWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _file.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var text = new StringBuilder(BatchChars + 4096);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (_gather > TimeSpan.Zero)
            {
                await Task.Delay(_gather).ConfigureAwait(false);
            }

            if (_reopenRequested)
            {
                ReopenNow();
            }

            text.Clear();
            while (text.Length < BatchChars && reader.TryRead(out var slot))
            {
                if (slot.WakeUp)
                {
                    continue;
                }

                var item = slot.Item;

                var start = text.Length;
                try
                {
                    _format(item, text);
                    text.Append('\n');
                }
                catch (Exception e)
                {
                    text.Length = start;
                    _problem($"a line for {Path} could not be formatted and was left out ({e.GetType().Name}: {e.Message})");
                }
            }

            if (text.Length > 0)
            {
                Append(text);
            }

            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0)
            {
                _problem($"{dropped} line(s) for {Path} were dropped: the disk did not keep up with the {DefaultCapacity}-line queue");
            }
        }
    }

    private void Append(StringBuilder text)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = 0;
            foreach (var chunk in text.GetChunks())
            {
                length += Encoding.UTF8.GetBytes(chunk.Span, bytes.AsSpan(length));
            }

            _file.Write(bytes.AsSpan(0, length));
            if (_failing)
            {
                _failing = false;
                _problem($"writing to {Path} works again");
            }
        }
        catch (IOException e)
        {
            // Reported once per run of failures (a full disk fails every batch).
            if (!_failing)
            {
                _failing = true;
                _problem($"lines for {Path} are being lost: {e.Message}");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private void ReopenNow()
    {
        _reopenRequested = false;
        if (!MovedAway)
        {
            // Nothing was rotated: the file at the path is the one open (a SIGHUP for a reload).
            return;
        }

        AppendOnlyFile reopened;
        try
        {
            reopened = AppendOnlyFile.Open(Path);
        }
        catch (IOException e)
        {
            _problem($"reopening {Path} failed, still writing to the file that was open: {e.Message}");
            return;
        }

        var old = _file;
        _file = reopened;
        old.Dispose();
    }
}
