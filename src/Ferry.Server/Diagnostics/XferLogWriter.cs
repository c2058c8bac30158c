namespace Ferry.Server.Diagnostics;

/// <summary>
/// The xferlog file (vsftpd's xferlog_file with xferlog_std_format, ProFTPD's TransferLog): one
/// <see cref="XferLogLine"/> per completed or aborted file transfer. The session only queues the
/// record and the time it ended; the line is built and written by the background writer.
/// </summary>
internal sealed class XferLogWriter : IServerEventSink, IAsyncDisposable
{
    private readonly BackgroundLineWriter<Entry> _writer;
    private readonly TimeProvider _time;

    /// <summary>Opens (creates) the file now, so a path that cannot be written stops the start.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">Told when lines are dropped or cannot be written (the host logs it).</param>
    /// <param name="time">The clock (a test's fake one); the system's by default.</param>
    /// <param name="capacity">Transfers waiting to be written at most.</param>
    public XferLogWriter(string path, Action<string> problem, TimeProvider? time = null, int capacity = BackgroundLineWriter<Entry>.DefaultCapacity)
    {
        _time = time ?? TimeProvider.System;
        var zone = _time.LocalTimeZone;
        _writer = new BackgroundLineWriter<Entry>(
            path,
            (entry, line) => XferLogLine.Append(entry.Transfer, entry.EndedAt, zone, line),
            problem,
            capacity);
    }

    public string Path => _writer.Path;

    public void TransferEnded(in TransferRecord transfer)
    {
        if (XferLogLine.IsLogged(transfer))
        {
            _writer.TryWrite(new Entry(transfer, _time.GetUtcNow()));
        }
    }

    public void Audited(in AuditRecord audit)
    {
    }

    /// <summary>For logrotate (postrotate): later lines go to a new file at the same path.</summary>
    public void Reopen() => _writer.Reopen();

    /// <summary>Whether the xferlog was rotated away since it was opened.</summary>
    public bool MovedAway => _writer.MovedAway;

    /// <summary>At stop: writes every line still queued (up to 5 s), then closes the file.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private readonly record struct Entry(TransferRecord Transfer, DateTimeOffset EndedAt);
}
