using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// Reads one directory with readdir(3) and statx(2) relative to its descriptor: one system call
/// per entry for its status (DirectoryInfo enumeration spent an lstat, a stat and a full-path
/// string on each). "." and ".." are skipped; an entry removed between readdir and statx is
/// skipped too, as `ls` does. Names are raw bytes: the caller decides how to decode them.
/// </summary>
internal sealed unsafe class DirectoryReader : IDisposable
{
    private const int ENOENT = 2;

    private readonly SafeDirectoryHandle _handle;
    private readonly IntPtr _directory;
    private readonly int _descriptor;
    private byte* _name;
    private int _nameLength;
    private bool _referenced;

    private DirectoryReader(SafeDirectoryHandle handle)
    {
        _handle = handle;

        // One reference for the reader's lifetime instead of one per readdir call: Dispose releases it.
        _handle.DangerousAddRef(ref _referenced);
        _directory = _handle.DangerousGetHandle();
        _descriptor = DirectoryNative.DirectoryDescriptor(_directory);
    }

    /// <summary>The current entry's name, without the terminating NUL; valid until the next <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<byte> CurrentName => new(_name, _nameLength);

    /// <summary>A directory stream over <paramref name="descriptor"/> (opened O_RDONLY|O_DIRECTORY inside the root), which it owns from now on, failure or not.</summary>
    public static DirectoryReader Open(int descriptor)
    {
        var handle = DirectoryNative.OpenDirectory(descriptor);
        if (handle.IsInvalid)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            JailNative.Close(descriptor);
            throw LocalErrors.FromErrno(errno);
        }

        return new DirectoryReader(handle);
    }

    /// <summary>
    /// Moves to the next entry other than "." and ".." and gives its own status (a symlink as
    /// itself, as lstat(2)); false at the end of the directory.
    /// </summary>
    public bool MoveNext(out FileStatus status)
    {
        Unsafe.SkipInit(out status);
        while (true)
        {
            var entry = DirectoryNative.ReadDirectory(_directory);
            if (entry is null)
            {
                // readdir returns null both at the end and on an error; errno (cleared before the call) tells which.
                var errno = Marshal.GetLastPInvokeError();
                if (errno != 0)
                {
                    throw LocalErrors.FromErrno(errno);
                }

                return false;
            }

            // The name's NUL lies within the record (d_reclen bytes, padded to 8): a bounded search
            // is a plain vectorised IndexOf, cheaper than a strlen that must mind page ends.
            _name = entry + DirectoryNative.DirentNameOffset;
            var room = Unsafe.ReadUnaligned<ushort>(entry + DirectoryNative.DirentRecordLengthOffset) - DirectoryNative.DirentNameOffset;
            _nameLength = new ReadOnlySpan<byte>(_name, room).IndexOf((byte)0);
            if (IsDotOrDotDot(_name, _nameLength))
            {
                continue;
            }

            if (StatCurrent(ref status))
            {
                return true;
            }
        }
    }

    public void Dispose()
    {
        if (_referenced)
        {
            _referenced = false;
            _handle.DangerousRelease();
        }

        _handle.Dispose();
    }

    private static bool IsDotOrDotDot(byte* name, int length) =>
        name[0] == (byte)'.' && (length == 1 || (length == 2 && name[1] == (byte)'.'));

    /// <summary>lstat-style statx of the current name; false when it vanished since readdir, any other failure is the errno's exception.</summary>
    private bool StatCurrent(ref FileStatus result)
    {
        fixed (FileStatus* status = &result)
        {
            if (DirectoryNative.Statx(_descriptor, _name, DirectoryNative.AtSymlinkNoFollow, DirectoryNative.ListingMask, status) == 0)
            {
                return true;
            }
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno != ENOENT)
        {
            throw LocalErrors.FromErrno(errno);
        }

        return false;
    }
}
