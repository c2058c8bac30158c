using System.Collections.Frozen;
using System.Globalization;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// MLSD/MLST facts (RFC 3659 §7): "fact=value;" pairs for the facts the client selected with
/// OPTS MLST, a space, then the name. Times are UTC "YYYYMMDDHHMMSS" (§2.3). MLSD lists no
/// "cdir"/"pdir" entries: RFC 3659 §7.5.1 allows them, and scripts that iterate ftplib's mlsd()
/// would otherwise meet "." as an entry.
/// </summary>
internal static class MlsxFormatter
{
    /// <summary>The facts Ferry knows, in FEAT order (RFC 3659 §7.8: marked with * when selected).</summary>
    public static readonly string[] SupportedFacts = ["type", "size", "modify", "perm", "unique", "UNIX.mode"];

    /// <summary>Every fact selected: the default of each session, one shared instance.</summary>
    public static readonly IReadOnlySet<string> DefaultFacts = SupportedFacts.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static string FormatFacts(FileSystemEntry entry, IReadOnlySet<string> facts, UserPermissions permissions)
    {
        var builder = new System.Text.StringBuilder(96);
        foreach (var fact in SupportedFacts)
        {
            if (!facts.Contains(fact))
            {
                continue;
            }

            switch (fact)
            {
                case "type":
                    builder.Append("type=").Append(entry.IsDirectory ? "dir" : "file").Append(';');
                    break;
                case "size" when !entry.IsDirectory:
                    builder.Append("size=").Append(entry.Size.ToString(CultureInfo.InvariantCulture)).Append(';');
                    break;
                case "modify":
                    builder.Append("modify=").Append(entry.LastModifiedUtc.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)).Append(';');
                    break;
                case "perm":
                    builder.Append("perm=").Append(Perm(entry.IsDirectory, permissions)).Append(';');
                    break;
                case "unique":
                    builder.Append("unique=").Append(entry.UniqueId).Append(';');
                    break;
                case "UNIX.mode" when entry.UnixMode is { } mode:
                    builder.Append("UNIX.mode=0").Append(Convert.ToString((int)mode, 8)).Append(';');
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>RFC 3659 §7.5.5: what this user may do to the object, not what the OS would allow the server.</summary>
    private static string Perm(bool isDirectory, UserPermissions permissions)
    {
        var perm = new System.Text.StringBuilder(8);
        if (isDirectory)
        {
            if (permissions.HasFlag(UserPermissions.Write))
            {
                perm.Append('c');
            }

            if (permissions.HasFlag(UserPermissions.Delete))
            {
                perm.Append('d');
            }

            perm.Append('e');
            if (permissions.HasFlag(UserPermissions.Rename))
            {
                perm.Append('f');
            }

            if (permissions.HasFlag(UserPermissions.List))
            {
                perm.Append('l');
            }

            if (permissions.HasFlag(UserPermissions.MakeDirectory))
            {
                perm.Append('m');
            }

            if (permissions.HasFlag(UserPermissions.Delete))
            {
                perm.Append('p');
            }
        }
        else
        {
            if (permissions.HasFlag(UserPermissions.Write))
            {
                perm.Append('a');
            }

            if (permissions.HasFlag(UserPermissions.Delete))
            {
                perm.Append('d');
            }

            if (permissions.HasFlag(UserPermissions.Rename))
            {
                perm.Append('f');
            }

            if (permissions.HasFlag(UserPermissions.Read))
            {
                perm.Append('r');
            }

            if (permissions.HasFlag(UserPermissions.Write))
            {
                perm.Append('w');
            }
        }

        return perm.ToString();
    }
}
