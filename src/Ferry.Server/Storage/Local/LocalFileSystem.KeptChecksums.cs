using System.Globalization;
using System.Text;
using Ferry.Server.Storage.Checksums;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// Kept checksums on local disk: an extended attribute of the file (user.ferry.sha256 and so on)
/// holding the checksum with the size and nanosecond mtime it was computed for. An attribute
/// belongs to the inode, so a file replaced by rename (an atomic upload) starts without one, and
/// any write changes the mtime, which drops it; the ctime would be tighter but setting the
/// attribute changes the ctime itself. Read and written through the descriptor OpenReadAsync
/// confined (fgetxattr/fsetxattr), never a path. Where attributes are not supported (a file
/// system without user xattrs, a file the server may not change) nothing is kept and HASH reads
/// the file, as on any backend.
/// </summary>
public sealed unsafe partial class LocalFileSystem
{
    private const string KeptFormat = "ferry1";

    public ValueTask<string?> GetKeptChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, CancellationToken cancellationToken)
    {
        if (opened is not FileStream file)
        {
            return ValueTask.FromResult<string?>(null);
        }

        var name = AttributeName(algorithm);
        var value = stackalloc byte[ExtendedAttributesNative.MaxValueLength];
        var added = false;
        var handle = file.SafeFileHandle;
        handle.DangerousAddRef(ref added);
        try
        {
            var descriptor = (int)handle.DangerousGetHandle();
            nint length;
            fixed (byte* attribute = name)
            {
                length = ExtendedAttributesNative.Get(descriptor, attribute, value, ExtendedAttributesNative.MaxValueLength);
            }

            if (length <= 0 || StatusOf(descriptor, DirectoryNative.ListingMask, out var status) != 0)
            {
                return ValueTask.FromResult<string?>(null);
            }

            var parts = Encoding.ASCII.GetString(value, (int)length).Split(' ');
            var bound = parts.Length == 5 && parts[0] == KeptFormat
                && parts[1] == status.Size.ToString(CultureInfo.InvariantCulture)
                && parts[2] == status.ModifiedExactly.Seconds.ToString(CultureInfo.InvariantCulture)
                && parts[3] == status.ModifiedExactly.Nanoseconds.ToString(CultureInfo.InvariantCulture);
            return ValueTask.FromResult(bound ? parts[4] : null);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    public ValueTask KeepChecksumAsync(Stream opened, ChecksumAlgorithm algorithm, string checksum, FileSystemEntry readFrom, CancellationToken cancellationToken)
    {
        if (opened is not FileStream file)
        {
            return ValueTask.CompletedTask;
        }

        var name = AttributeName(algorithm);
        var added = false;
        var handle = file.SafeFileHandle;
        handle.DangerousAddRef(ref added);
        try
        {
            var descriptor = (int)handle.DangerousGetHandle();
            // The file as it is now must be the one read: same inode, size and mtime as the entry
            // taken before it was opened, so neither a swap before the open nor a write during
            // the reading gets a checksum it does not have.
            if (StatusOf(descriptor, DirectoryNative.ListingMask, out var status) != 0
                || !status.IsRegularFile || status.Size != readFrom.Size
                || status.ModifiedUtc != readFrom.LastModifiedUtc || status.UniqueId != readFrom.UniqueId)
            {
                return ValueTask.CompletedTask;
            }

            var (seconds, nanoseconds) = status.ModifiedExactly;
            var value = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{KeptFormat} {status.Size} {seconds} {nanoseconds} {checksum}"));
            fixed (byte* attribute = name)
            fixed (byte* bytes = value)
            {
                // A failure (ENOTSUP, EACCES, EDQUOT...) leaves the file without a kept value: HASH reads it.
                _ = ExtendedAttributesNative.Set(descriptor, attribute, bytes, (nuint)value.Length, 0);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>"user.ferry.sha256" and so on, NUL-terminated: the user namespace, which an unprivileged server may write.</summary>
    internal static byte[] AttributeName(ChecksumAlgorithm algorithm) =>
        NulTerminated("user.ferry." + algorithm.Name().Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant());
}
