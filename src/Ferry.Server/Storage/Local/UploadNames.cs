using System.Security.Cryptography;
using System.Text;

namespace Ferry.Server.Storage.Local;

/// <summary>
/// The hidden names uploads use beside their target, in the target's own folder so the final
/// rename(2) is atomic (one file system). Both start with a dot, as ProFTPD's ".in.name." and
/// Pure-FTPd's ".pureftpd-upload.*" do, and Ferry reserves them: no listing shows them (even with
/// -a), and no command can address them (they answer as missing, and cannot be created by MKD,
/// STOR or RNTO), so a user can neither read a half upload nor plant a name the server would
/// later rename or remove.
/// </summary>
internal static class UploadNames
{
    /// <summary>An upload in flight: a random suffix, so two uploads of one name never share a file.</summary>
    public const string InFlightPrefix = ".ferry-upload.";

    /// <summary>An aborted upload kept for a resume: one per target name, so a resume finds it again.</summary>
    public const string PartialPrefix = ".ferry-partial.";

    private static ReadOnlySpan<byte> InFlightBytes => ".ferry-upload."u8;

    private static ReadOnlySpan<byte> PartialBytes => ".ferry-partial."u8;

    /// <summary>Whether any component of <paramref name="path"/> is a reserved name.</summary>
    public static bool IsReserved(VirtualPath path) =>
        path.Value.Contains("/" + InFlightPrefix, StringComparison.Ordinal)
        || path.Value.Contains("/" + PartialPrefix, StringComparison.Ordinal);

    /// <summary>Whether a directory entry's raw name is reserved (listings skip it).</summary>
    public static bool IsReserved(ReadOnlySpan<byte> name) => name.StartsWith(InFlightBytes) || name.StartsWith(PartialBytes);

    public static bool IsInFlight(ReadOnlySpan<byte> name) => name.StartsWith(InFlightBytes);

    /// <summary>A fresh in-flight name, NUL-terminated: 64 random bits, so a collision (EEXIST, retried) is a freak.</summary>
    public static byte[] NewInFlight()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return Terminated(InFlightPrefix + Convert.ToHexStringLower(random));
    }

    /// <summary>The partial name for <paramref name="name"/>, NUL-terminated; it may exceed NAME_MAX (ENAMETOOLONG, then nothing is kept).</summary>
    public static byte[] PartialOf(string name) => Terminated(PartialPrefix + name);

    public static byte[] Terminated(string name)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(name) + 1];
        Encoding.UTF8.GetBytes(name, bytes);
        return bytes;
    }
}
