using System.Net.Sockets;
using System.Text;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Ferry.Server.Connections;

/// <summary>
/// What the accept loops do when accept(2) fails (issue 11 finding 2: out of file descriptors,
/// EMFILE/ENFILE, the loop retried at once, logged a stack trace each time and spun at 100% CPU
/// while no client was served). A failing accept is retried after a delay that doubles up to
/// <see cref="MaxDelay"/>; the failures are logged at most once per <see cref="LogInterval"/>, with
/// counts. Out of descriptors, a pending connection stays in the kernel's backlog and would fail
/// every accept again, so, as nginx and libuv do, a spare descriptor kept from the start
/// (/dev/null) is released for one accept: that client gets a 421 and is closed, and the spare is
/// taken again. The state is public through <see cref="FtpServer.AcceptStarvedSince"/> for health checks.
/// </summary>
internal sealed class AcceptFailureGuard : IDisposable
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);
    private static readonly byte[] Refusal = Encoding.ASCII.GetBytes("421 Server out of resources; try again later.\r\n");

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _spareInUse = new(1, 1);
    private SafeFileHandle? _spare;
    private DateTimeOffset? _starvedSince;
    private long _starvedAtTimestamp;
    private TimeSpan _delay = FirstDelay;
    private long _lastLogTimestamp;
    private long _refusedSinceLog;
    private long _failedSinceLog;
    private long _refusedWhileStarved;
    private long _refusedTotal;

    public AcceptFailureGuard(ILogger logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
        _spare = OpenSpare();
    }

    /// <summary>When accepting began to fail, or null while it works.</summary>
    public DateTimeOffset? StarvedSince
    {
        get
        {
            lock (_lock)
            {
                return _starvedSince;
            }
        }
    }

    /// <summary>Connections answered 421 because the server had no descriptor for them, since the start.</summary>
    public long RefusedTotal => Interlocked.Read(ref _refusedTotal);

    /// <summary>A connection was accepted: if accepting had been failing, that is over.</summary>
    public void OnAccepted()
    {
        lock (_lock)
        {
            if (_starvedSince is null)
            {
                return;
            }

            FerryLog.AcceptRecovered(_logger, _time.GetElapsedTime(_starvedAtTimestamp).TotalSeconds, _refusedWhileStarved);
            _starvedSince = null;
            _delay = FirstDelay;
            _refusedSinceLog = 0;
            _failedSinceLog = 0;
            _refusedWhileStarved = 0;
        }
    }

    /// <summary>Handles one failed accept and waits before the next; returns at once for a client that gave up (ECONNABORTED).</summary>
    public async Task OnFailedAsync(Socket listener, SocketException error, bool implicitTls, CancellationToken stopping)
    {
        if (error.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.Interrupted)
        {
            // The client reset before we took its connection: its business, not a failure of ours.
            return;
        }

        var refused = error.SocketErrorCode == SocketError.TooManyOpenSockets && await RefuseWithSpareAsync(listener, implicitTls, stopping);
        TimeSpan delay;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (_starvedSince is null)
            {
                _starvedSince = _time.GetUtcNow();
                _starvedAtTimestamp = now;
                _lastLogTimestamp = 0;
            }

            _failedSinceLog++;
            if (refused)
            {
                _refusedSinceLog++;
                _refusedWhileStarved++;
                Interlocked.Increment(ref _refusedTotal);
            }

            if (_lastLogTimestamp == 0 || _time.GetElapsedTime(_lastLogTimestamp) >= LogInterval)
            {
                var since = _lastLogTimestamp == 0 ? _starvedAtTimestamp : _lastLogTimestamp;
                FerryLog.AcceptStarved(_logger, error.SocketErrorCode.ToString(), _refusedSinceLog, _failedSinceLog, _time.GetElapsedTime(since, now).TotalSeconds);
                _lastLogTimestamp = now;
                _refusedSinceLog = 0;
                _failedSinceLog = 0;
            }

            delay = _delay;
            _delay = _delay * 2 < MaxDelay ? _delay * 2 : MaxDelay;
        }

        try
        {
            await Task.Delay(delay, _time, stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Frees the spare descriptor, accepts the connection waiting in the backlog with it, answers 421 and closes it, then takes the spare again.</summary>
    private async Task<bool> RefuseWithSpareAsync(Socket listener, bool implicitTls, CancellationToken stopping)
    {
        await _spareInUse.WaitAsync(stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (stopping.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            _spare?.Dispose();
            _spare = null;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(200));
            using var socket = await listener.AcceptAsync(timeout.Token);
            if (!implicitTls)
            {
                // On the implicit FTPS port no TLS was spoken: just close.
                socket.Blocking = false;
                _ = socket.Send(Refusal, SocketFlags.None, out _);
            }

            socket.Shutdown(SocketShutdown.Both);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _spare = OpenSpare();
            _spareInUse.Release();
        }
    }

    /// <summary>Null when even that fails (out of descriptors already): then the next failure tries again.</summary>
    private static SafeFileHandle? OpenSpare()
    {
        try
        {
            return File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _spare?.Dispose();
        _spareInUse.Dispose();
    }
}
