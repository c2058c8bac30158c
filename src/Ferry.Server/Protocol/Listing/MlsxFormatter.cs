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

    /// <summary>The facts of an entry when the same permissions hold in its folder and inside it.</summary>
    public static string FormatFacts(FileSystemEntry entry, IReadOnlySet<string> facts, UserPermissions permissions) =>
        FormatFacts(entry, facts, permissions, permissions);

    /// <param name="entry">The file or directory.</param>
    /// <param name="facts">The facts selected.</param>
    /// <param name="inFolder">What the user may do in the folder holding the entry (delete, rename, download or replace it).</param>
    /// <param name="inside">For a directory, what the user may do inside it (list, create); ignored for files.</param>
    public static string FormatFacts(FileSystemEntry entry, IReadOnlySet<string> facts, UserPermissions inFolder, UserPermissions inside)
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
                    builder.Append("perm=").Append(Perm(entry.IsDirectory, inFolder, inside)).Append(';');
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

    /// <summary>
    /// RFC 3659 §7.5.5: what this user may do to the object, not what the OS would allow the
    /// server, so clients (FileZilla, WinSCP) offer only what will work. Replacing or appending
    /// to a file ("w", "a") needs Overwrite as well as Write; an upload-only folder shows "ce"
    /// (files may be created in it, and it may be entered).
    /// </summary>
    private static string Perm(bool isDirectory, UserPermissions inFolder, UserPermissions inside)
    {
        var perm = new System.Text.StringBuilder(8);
        if (isDirectory)
        {
            Add(perm, 'c', inside, UserPermissions.Write);
            Add(perm, 'd', inFolder, UserPermissions.Delete);
            perm.Append('e');
            Add(perm, 'f', inFolder, UserPermissions.Rename);
            Add(perm, 'l', inside, UserPermissions.List);
            Add(perm, 'm', inside, UserPermissions.MakeDirectory);
            Add(perm, 'p', inside, UserPermissions.Delete);
        }
        else
        {
            Add(perm, 'a', inFolder, UserPermissions.Write | UserPermissions.Overwrite);
            Add(perm, 'd', inFolder, UserPermissions.Delete);
            Add(perm, 'f', inFolder, UserPermissions.Rename);
            Add(perm, 'r', inFolder, UserPermissions.Read);
            Add(perm, 'w', inFolder, UserPermissions.Write | UserPermissions.Overwrite);
        }

        return perm.ToString();
    }

    private static void Add(System.Text.StringBuilder perm, char letter, UserPermissions granted, UserPermissions needed)
    {
        if ((granted & needed) == needed)
        {
            perm.Append(letter);
        }
    }
}
