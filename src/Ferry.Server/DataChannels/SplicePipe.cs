using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Ferry.Server.DataChannels;

/// <summary>
/// The pipe one splice(2) upload moves its bytes through (splice needs a pipe on one side), made
/// per transfer and closed with it, both ends, however it ends. It is grown to 1 MiB when the
/// kernel allows, so one call moves up to 1 MiB; refused (over /proc/sys/fs/pipe-user-pages-soft,
/// say, with many uploads at once), it keeps the kernel's 64 KiB and works the same, in smaller steps.
/// </summary>
internal sealed class SplicePipe : IDisposable
{
    /// <summary>1 MiB: the kernel's default /proc/sys/fs/pipe-max-size, the most an unprivileged process may ask for.</summary>
    private const int WantedCapacity = 1024 * 1024;

    /// <summary>A pipe's capacity when F_GETPIPE_SZ is not answered: 16 pages (pipe(7)).</summary>
    private const int DefaultCapacity = 64 * 1024;

    private static readonly Lazy<int> MaxCapacity = new(ReadMaxCapacity);

    private SplicePipe(SafeFileHandle readEnd, SafeFileHandle writeEnd, int capacity)
    {
        ReadEnd = readEnd;
        WriteEnd = writeEnd;
        Capacity = capacity;
    }

    public SafeFileHandle ReadEnd { get; }

    public SafeFileHandle WriteEnd { get; }

    /// <summary>How many bytes the pipe holds: the most one splice from the socket may ask for.</summary>
    public int Capacity { get; }

    /// <summary>A new pipe, or null with the errno when the process has no descriptor left (EMFILE, ENFILE).</summary>
    public static SplicePipe? TryCreate(out int errno)
    {
        var result = SpliceInterop.CreatePipe(out var readFd, out var writeFd);
        if (result < 0)
        {
            errno = -result;
            return null;
        }

        errno = 0;
        var readEnd = new SafeFileHandle(readFd, ownsHandle: true);
        var writeEnd = new SafeFileHandle(writeFd, ownsHandle: true);
        var granted = SpliceInterop.SetPipeSize(writeFd, MaxCapacity.Value);
        var capacity = granted > 0 ? granted : SpliceInterop.GetPipeSize(writeFd);
        return new SplicePipe(readEnd, writeEnd, capacity > 0 ? capacity : DefaultCapacity);
    }

    public void Dispose()
    {
        ReadEnd.Dispose();
        WriteEnd.Dispose();
    }

    /// <summary>1 MiB, or less when the administrator lowered pipe-max-size (asking for more is refused with EPERM).</summary>
    private static int ReadMaxCapacity()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/fs/pipe-max-size").Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0
                ? Math.Min(max, WantedCapacity)
                : WantedCapacity;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return WantedCapacity;
        }
    }
}
