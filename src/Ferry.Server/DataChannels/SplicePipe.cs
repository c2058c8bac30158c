using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Ferry.Server.DataChannels;

/// <summary>
/// The pipe one splice(2) upload moves its bytes through (splice needs a pipe on one side), made
/// per transfer and closed with it, both ends, however it ends. It is grown to 1 MiB when the
/// kernel allows, so one call moves up to 1 MiB. All pipes of one user count against
/// /proc/sys/fs/pipe-user-pages-soft (64 MiB by default), and the server is one user for all its
/// sessions: past about 60 uploads at once 1 MiB is refused (EPERM), so smaller sizes are asked
/// for, and once the user is over the limit the kernel gives new pipes 8 KiB, too small to pay
/// (the caller then takes the copy loop).
/// </summary>
internal sealed class SplicePipe : IDisposable
{
    /// <summary>1 MiB: the kernel's default /proc/sys/fs/pipe-max-size, the most an unprivileged process may ask for.</summary>
    private const int WantedCapacity = 1024 * 1024;

    /// <summary>A pipe's capacity when F_GETPIPE_SZ is not answered: 16 pages (pipe(7)).</summary>
    private const int DefaultCapacity = 64 * 1024;

    /// <summary>Below this a splice round moves less than the copy loop's one read would (8 KiB, over the user's limit).</summary>
    public const int MinUsefulCapacity = 64 * 1024;

    /// <summary>What is asked for when 1 MiB is refused near the user's limit; a new pipe has 64 KiB anyway.</summary>
    private const int SecondChoice = 256 * 1024;

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
        if (granted < 0 && MaxCapacity.Value > SecondChoice)
        {
            granted = SpliceInterop.SetPipeSize(writeFd, SecondChoice);
        }

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
