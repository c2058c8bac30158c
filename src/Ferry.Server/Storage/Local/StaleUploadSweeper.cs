using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// Removes in-flight upload files that a server process which died (kill -9, a power cut) left
/// behind. Walking every home at start-up would touch millions of folders on a large host before
/// the first login, so each folder is swept lazily instead: the first upload into it, or the first
/// listing of it, after this process started removes the in-flight files there that are older than
/// this process (every upload this process runs is newer, so none of them is touched). A folder
/// nobody visits keeps its leftovers, which are hidden and unaddressable, until someone does.
/// Kept partial uploads (<see cref="AbortedUploads.Keep"/>) are not leftovers and stay.
/// </summary>
/// <remarks>
/// Two server processes sharing one home would sweep each other's older in-flight files; Ferry
/// assumes one server per home, as it assumes for its other per-home state.
/// </remarks>
internal sealed unsafe class StaleUploadSweeper(ILogger logger)
{
    /// <summary>Folders remembered as swept; past this many the memory starts over (a folder is then swept again, which is only a readdir).</summary>
    private const int MaxRemembered = 65_536;

    private static readonly DateTime ProcessStartUtc = ReadProcessStart();

    private readonly ConcurrentDictionary<(ulong Device, ulong Inode), byte> _swept = new();

    /// <summary>Sweeps the folder <paramref name="directory"/> (a confined descriptor, O_PATH will do) unless this process did already.</summary>
    public void SweepOnce(int directory)
    {
        FileStatus status;
        fixed (byte* empty = "\0"u8)
        {
            if (DirectoryNative.Statx(directory, empty, JailNative.EmptyPath, DirectoryNative.ListingMask, &status) != 0)
            {
                return;
            }
        }

        var key = (status.Device, status.Inode);
        if (_swept.ContainsKey(key))
        {
            return;
        }

        if (_swept.Count >= MaxRemembered)
        {
            _swept.Clear();
        }

        _swept.TryAdd(key, 0);
        Sweep(directory);
    }

    private void Sweep(int directory)
    {
        int readable;
        fixed (byte* dot = "."u8)
        {
            readable = JailNative.OpenAt(directory, dot, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.CloseOnExec, 0);
        }

        if (readable < 0)
        {
            return;
        }

        var removed = 0;
        try
        {
            using var reader = DirectoryReader.Open(readable);
            while (reader.MoveNext(out var entry))
            {
                var name = reader.CurrentName;
                if (!UploadNames.IsInFlight(name) || !entry.IsRegularFile || entry.ToEntry(string.Empty).LastModifiedUtc >= ProcessStartUtc)
                {
                    continue;
                }

                var terminated = new byte[name.Length + 1];
                name.CopyTo(terminated);
                fixed (byte* bytes = terminated)
                {
                    if (JailNative.UnlinkAt(readable, bytes, 0) == 0)
                    {
                        removed++;
                    }
                }
            }
        }
        catch (StorageException)
        {
            // An unreadable folder is left as it is: the sweep is housekeeping, never a reason to fail an upload.
        }

        if (removed > 0)
        {
            FerryLog.StaleUploadsRemoved(logger, removed);
        }
    }

    private static DateTime ReadProcessStart()
    {
        try
        {
            return System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
        }
        catch (InvalidOperationException)
        {
            return DateTime.UtcNow;
        }
        catch (ExternalException)
        {
            return DateTime.UtcNow;
        }
    }
}
