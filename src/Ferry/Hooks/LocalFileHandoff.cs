using System.Globalization;
using System.Runtime.InteropServices;

namespace Ferry.Hooks;

/// <summary>
/// Makes an upload's <see cref="HookEvent.LocalFile"/> readable by a hook's command. The engine
/// names the upload's own descriptor, /proc/PID/fd/N; but a server started as root drops to
/// RunAsUser, and the kernel then marks it not dumpable, which makes its /proc/PID/fd root's
/// alone (proc(5)): the command, running as the same account, could not open it. So the server
/// opens that descriptor again for reading (a new open file description: the command's reads
/// move no offset of the upload's), without close-on-exec, so the command inherits it and reads
/// /dev/fd/M: still the upload's bytes, whatever a rename or a symlink does to the path meanwhile.
/// The parent closes its copy once the command has started.
/// </summary>
internal static class LocalFileHandoff
{
    private const int ReadOnly = 0; // O_RDONLY, without O_CLOEXEC: the point is that the child inherits it.

    /// <summary>
    /// Only one command starts at a time while a descriptor is open for handing off, so no other
    /// hook's command (started in parallel) inherits an upload it was not meant to read.
    /// </summary>
    public static readonly Lock Spawning = new();

    /// <summary>
    /// The path the command should read and the descriptor to close after its start (-1: none),
    /// for a LocalFile naming one of this process's descriptors; any other path as it is.
    /// Called under <see cref="Spawning"/>.
    /// </summary>
    public static (string Path, int Descriptor) Open(string localFile)
    {
        var prefix = $"/proc/{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}/fd/";
        if (!localFile.StartsWith(prefix, StringComparison.Ordinal)
            || !int.TryParse(localFile.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var descriptor))
        {
            return (localFile, -1);
        }

        var inherited = NativeOpen(System.Text.Encoding.ASCII.GetBytes($"/proc/self/fd/{descriptor.ToString(CultureInfo.InvariantCulture)}\0"), ReadOnly);
        return inherited < 0 ? (localFile, -1) : ($"/dev/fd/{inherited.ToString(CultureInfo.InvariantCulture)}", inherited);
    }

    public static void Close(int descriptor)
    {
        if (descriptor >= 0)
        {
            _ = NativeClose(descriptor);
        }
    }

    // DllImport, not LibraryImport: this project compiles no unsafe code, and these signatures are blittable.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NativeOpen(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NativeClose(int descriptor);
}
