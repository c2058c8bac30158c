using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// A log file opened with O_APPEND, so every write lands at the file's end whoever else writes to
/// it: `ferry user` commands appending admin lines while the server runs, or logrotate's
/// copytruncate emptying it under us (a plain .NET FileStream keeps its own offset on Linux, and
/// its next write would clobber the other writer's line or leave a hole of NULs after a truncate).
/// Created with mode 0640 (readable by the group, as /var/log files are for "adm").
/// </summary>
internal sealed partial class AppendOnlyFile : IDisposable
{
    private const int Append = 0x400;
    private const int EINTR = 4;
    private const uint CreateMode = 0b110_100_000;

    private readonly SafeFileHandle _handle;

    private AppendOnlyFile(SafeFileHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    public string Path { get; }

    /// <summary>
    /// Whether the open file is no longer the one at <see cref="Path"/> (logrotate renamed or
    /// removed it): what the kernel says the descriptor points to (/proc/self/fd) against the path.
    /// When that cannot be read, true: reopening is the safe side.
    /// </summary>
    public bool MovedAway
    {
        get
        {
            try
            {
                var target = new FileInfo($"/proc/self/fd/{_handle.DangerousGetHandle()}").LinkTarget;
                return target != System.IO.Path.GetFullPath(Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return true;
            }
        }
    }

    /// <summary>False for standard output, which has no path to open again after a rotation.</summary>
    public bool Reopenable { get; private init; } = true;

    /// <summary>
    /// The process's standard output (descriptor 1, not owned): a file, a pipe or journald's
    /// socket, to each of which write(2) appends.
    /// </summary>
    public static AppendOnlyFile StandardOutput() =>
        new(new SafeFileHandle(1, ownsHandle: false), "standard output") { Reopenable = false };

    /// <summary>Opens <paramref name="path"/> for appending (creating it unless <paramref name="create"/> is false); throws <see cref="IOException"/> naming the path and the reason.</summary>
    public static AppendOnlyFile Open(string path, bool create = true)
    {
        var flags = Storage.Local.OpenFlags.WriteOnly | Append | Storage.Local.OpenFlags.CloseOnExec | (create ? Storage.Local.OpenFlags.Create : 0);
        var descriptor = OpenNative(path, flags, CreateMode);
        if (descriptor < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open '{path}' for appending: {new Win32Exception(error).Message}", error);
        }

        return new AppendOnlyFile(new SafeFileHandle(descriptor, ownsHandle: true), path);
    }

    /// <summary>Writes the whole buffer (one or more complete lines) at the end of the file.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        var descriptor = (int)_handle.DangerousGetHandle();
        while (!bytes.IsEmpty)
        {
            var written = WriteNative(descriptor, ref MemoryMarshal.GetReference(bytes), (nuint)bytes.Length);
            if (written < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error == EINTR)
                {
                    continue;
                }

                throw new IOException($"cannot write to '{Path}': {new Win32Exception(error).Message}", error);
            }

            bytes = bytes[(int)written..];
        }
    }

    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    public void Dispose() => _handle.Dispose();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int descriptor, ref byte buffer, nuint count);
}
