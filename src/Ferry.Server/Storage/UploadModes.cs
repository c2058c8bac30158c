using System.Globalization;
using Ferry.Server.Security;

namespace Ferry.Server.Storage;

/// <summary>
/// The mode and owner given to what a user uploads or creates: files 0666 and folders 0777 less
/// the umask (the user's own, else UploadUmask), set explicitly so the process umask never
/// decides; owner and group when UploadOwner/UploadGroup are set (-1: leave as created).
/// </summary>
/// <param name="Umask">The bits taken away.</param>
/// <param name="Uid">The owner to set, or -1.</param>
/// <param name="Gid">The group to set, or -1.</param>
public readonly record struct UploadModes(UnixFileMode Umask, int Uid = -1, int Gid = -1)
{
    private const UnixFileMode AllFileBits = (UnixFileMode)0b110_110_110;
    private const UnixFileMode AllDirectoryBits = (UnixFileMode)0b111_111_111;

    /// <summary>What Ferry did before the setting existed, under the usual process umask: 0644 files, 0755 folders.</summary>
    public static UploadModes Default { get; } = new((UnixFileMode)0b000_010_010);

    public UnixFileMode FileMode => AllFileBits & ~Umask;

    public UnixFileMode DirectoryMode => AllDirectoryBits & ~Umask;

    public bool ChangesOwner => Uid >= 0 || Gid >= 0;

    /// <summary>The modes for <paramref name="user"/> on a server with <paramref name="options"/>.</summary>
    public static UploadModes For(FtpUser user, FtpServerOptions options) => new(
        user.Umask is { } own ? (UnixFileMode)own : options.ParsedUploadUmask,
        ResolveOwner(options.UploadOwner) ?? -1,
        ResolveGroup(options.UploadGroup) ?? -1);

    /// <summary>An octal umask of 1 to 3 digits (at most 777); null when it is not one.</summary>
    public static int? ParseUmask(string? text) =>
        text is { Length: >= 1 and <= 4 } && text.All(c => c is >= '0' and <= '7') && Convert.ToInt32(text, 8) is var value && value <= 0b111_111_111
            ? value
            : null;

    /// <summary>-1 for empty (leave the owner), the uid of a user name or number; null when there is no such user.</summary>
    public static int? ResolveOwner(string? text) =>
        string.IsNullOrEmpty(text) ? -1
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid
        : PasswdDatabase.Find(text) is { } account ? (int)account.Uid
        : null;

    /// <summary>-1 for empty (leave the group), the gid of a group name (from /etc/group) or number; null when there is no such group.</summary>
    public static int? ResolveGroup(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return -1;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
        {
            return gid;
        }

        if (!File.Exists("/etc/group"))
        {
            return null;
        }

        foreach (var line in File.ReadLines("/etc/group"))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == text && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out gid))
            {
                return gid;
            }
        }

        return null;
    }
}
