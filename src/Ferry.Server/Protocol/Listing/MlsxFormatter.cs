using System.Collections.Frozen;
using System.Text;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// MLSD/MLST facts (RFC 3659 §7): "fact=value;" pairs for the facts the client selected with
/// OPTS MLST, a space, then the name. Times are UTC "YYYYMMDDHHMMSS" (§2.3). MLSD lists no
/// "cdir"/"pdir" entries: RFC 3659 §7.5.1 allows them, and scripts that iterate ftplib's mlsd()
/// would otherwise meet "." as an entry. One instance per MLSD: the selected facts become a bit
/// set and the files' perm letters are worked out once, since they depend only on the folder.
/// </summary>
internal sealed class MlsxFormatter : IListingFormatter
{
    /// <summary>The facts Ferry knows, in FEAT order (RFC 3659 §7.8: marked with * when selected).</summary>
    public static readonly string[] SupportedFacts = ["type", "size", "modify", "perm", "unique", "UNIX.mode"];

    /// <summary>Every fact selected: the default of each session, one shared instance.</summary>
    public static readonly IReadOnlySet<string> DefaultFacts = SupportedFacts.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // "type=file;" 10, "size=" + 20 digits + ";" 26, "modify=" + 14 + ";" 22, "perm=" + 7 + ";" 13,
    // "unique=" + 16 + "-" + 16 + ";" 41, "UNIX.mode=0" + 6 + ";" 18: 130, rounded up.
    private const int MaxFactsLength = 160;

    private readonly Facts _facts;
    private readonly UserPermissions _inFolder;
    private readonly byte[] _filePerm;
    private readonly PermissionPolicy _policy;
    private readonly VirtualPath _folder;
    private readonly bool _subfoldersFollowFolder;

    /// <param name="facts">The session's selection (OPTS MLST).</param>
    /// <param name="policy">The login's permissions, for the perm fact.</param>
    /// <param name="folder">The folder being listed.</param>
    public MlsxFormatter(IReadOnlySet<string> facts, PermissionPolicy policy, VirtualPath folder)
    {
        _facts = Select(facts);
        _policy = policy;
        _folder = folder;
        _inFolder = policy.At(folder).Granted;
        Span<byte> perm = stackalloc byte[8];
        _filePerm = perm[..WritePerm(perm, isDirectory: false, _inFolder, _inFolder)].ToArray();

        // Without a rule at or below the folder, every subfolder falls under the folder's own
        // rule, so "what may be done inside it" is the folder's answer: no child path per subfolder.
        _subfoldersFollowFolder = policy.RuleAtOrBelow(folder) is null;
    }

    /// <summary>The selected facts as bits, in <see cref="SupportedFacts"/> order.</summary>
    [Flags]
    private enum Facts
    {
        None = 0,
        Type = 1,
        Size = 2,
        Modify = 4,
        Perm = 8,
        Unique = 16,
        UnixMode = 32,
    }

    /// <summary>The facts of an entry when the same permissions hold in its folder and inside it.</summary>
    public static string FormatFacts(FileSystemEntry entry, IReadOnlySet<string> facts, UserPermissions permissions) =>
        FormatFacts(entry, facts, permissions, permissions);

    /// <param name="entry">The file or directory.</param>
    /// <param name="facts">The facts selected.</param>
    /// <param name="inFolder">What the user may do in the folder holding the entry (delete, rename, download or replace it).</param>
    /// <param name="inside">For a directory, what the user may do inside it (list, create); ignored for files.</param>
    public static string FormatFacts(FileSystemEntry entry, IReadOnlySet<string> facts, UserPermissions inFolder, UserPermissions inside)
    {
        Span<byte> text = stackalloc byte[MaxFactsLength];
        Span<byte> perm = stackalloc byte[8];
        var permLength = WritePerm(perm, entry.IsDirectory, inFolder, inside);
        var length = WriteFacts(text, entry, Select(facts), perm[..permLength]);
        return Encoding.ASCII.GetString(text[..length]);
    }

    /// <summary>An MLSD line: the facts, a space, the name, CRLF.</summary>
    public bool TryFormat(FileSystemEntry entry, Span<byte> destination, out int written)
    {
        var name = entry.Name;
        if (destination.Length < MaxFactsLength + 1 + Encoding.UTF8.GetMaxByteCount(name.Length) + 2)
        {
            written = 0;
            return false;
        }

        int at;
        if (entry.IsDirectory && (_facts & Facts.Perm) != 0)
        {
            var inside = _subfoldersFollowFolder ? _inFolder : _policy.At(_folder.Child(name)).Granted;
            Span<byte> perm = stackalloc byte[8];
            at = WriteFacts(destination, entry, _facts, perm[..WritePerm(perm, isDirectory: true, _inFolder, inside)]);
        }
        else
        {
            at = WriteFacts(destination, entry, _facts, _filePerm);
        }

        destination[at++] = (byte)' ';
        written = ListingName.WriteLast(destination, at, name);
        return true;
    }

    private static Facts Select(IReadOnlySet<string> facts)
    {
        if (ReferenceEquals(facts, DefaultFacts))
        {
            return Facts.Type | Facts.Size | Facts.Modify | Facts.Perm | Facts.Unique | Facts.UnixMode;
        }

        var selected = Facts.None;
        for (var i = 0; i < SupportedFacts.Length; i++)
        {
            if (facts.Contains(SupportedFacts[i]))
            {
                selected |= (Facts)(1 << i);
            }
        }

        return selected;
    }

    /// <summary>The "fact=value;" pairs, at most <see cref="MaxFactsLength"/> bytes; returns the length.</summary>
    private static int WriteFacts(Span<byte> destination, FileSystemEntry entry, Facts facts, ReadOnlySpan<byte> perm)
    {
        var at = 0;
        if ((facts & Facts.Type) != 0)
        {
            at += Append(destination[at..], entry.IsDirectory ? "type=dir;"u8 : "type=file;"u8);
        }

        if ((facts & Facts.Size) != 0 && !entry.IsDirectory)
        {
            at += Append(destination[at..], "size="u8);
            at += AsciiDigits.WriteDecimal(destination[at..], (ulong)Math.Max(0, entry.Size));
            destination[at++] = (byte)';';
        }

        if ((facts & Facts.Modify) != 0)
        {
            at += Append(destination[at..], "modify="u8);
            at += WriteTimestamp(destination[at..], entry.LastModifiedUtc);
            destination[at++] = (byte)';';
        }

        if ((facts & Facts.Perm) != 0)
        {
            at += Append(destination[at..], "perm="u8);
            at += Append(destination[at..], perm);
            destination[at++] = (byte)';';
        }

        if ((facts & Facts.Unique) != 0)
        {
            // RFC 3659 §7.5.2 leaves the form to the server; hex high part, '-', hex low part (device, inode on local disk).
            at += Append(destination[at..], "unique="u8);
            at += AsciiDigits.WriteHex(destination[at..], (ulong)(entry.UniqueId >> 64));
            destination[at++] = (byte)'-';
            at += AsciiDigits.WriteHex(destination[at..], (ulong)entry.UniqueId);
            destination[at++] = (byte)';';
        }

        if ((facts & Facts.UnixMode) != 0 && entry.UnixMode is { } mode)
        {
            at += Append(destination[at..], "UNIX.mode=0"u8);
            at += AsciiDigits.WriteOctal(destination[at..], (ulong)mode);
            destination[at++] = (byte)';';
        }

        return at;
    }

    /// <summary>RFC 3659 §2.3 time-val, "YYYYMMDDHHMMSS" in UTC; 14 bytes.</summary>
    private static int WriteTimestamp(Span<byte> destination, DateTime time)
    {
        var (year, month, day) = time;
        AsciiDigits.WriteFour(destination, year);
        AsciiDigits.WriteTwo(destination[4..], month);
        AsciiDigits.WriteTwo(destination[6..], day);
        AsciiDigits.WriteTwo(destination[8..], time.Hour);
        AsciiDigits.WriteTwo(destination[10..], time.Minute);
        AsciiDigits.WriteTwo(destination[12..], time.Second);
        return 14;
    }

    /// <summary>
    /// RFC 3659 §7.5.5: what this user may do to the object, not what the OS would allow the
    /// server, so clients (FileZilla, WinSCP) offer only what will work. Replacing or appending
    /// to a file ("w", "a") needs Overwrite as well as Write; an upload-only folder shows "ce"
    /// (files may be created in it, and it may be entered). Returns the number of letters (at most 7).
    /// </summary>
    private static int WritePerm(Span<byte> destination, bool isDirectory, UserPermissions inFolder, UserPermissions inside)
    {
        var at = 0;
        if (isDirectory)
        {
            Add(destination, ref at, 'c', inside, UserPermissions.Write);
            Add(destination, ref at, 'd', inFolder, UserPermissions.Delete);
            destination[at++] = (byte)'e';
            Add(destination, ref at, 'f', inFolder, UserPermissions.Rename);
            Add(destination, ref at, 'l', inside, UserPermissions.List);
            Add(destination, ref at, 'm', inside, UserPermissions.MakeDirectory);
            Add(destination, ref at, 'p', inside, UserPermissions.Delete);
        }
        else
        {
            Add(destination, ref at, 'a', inFolder, UserPermissions.Write | UserPermissions.Overwrite);
            Add(destination, ref at, 'd', inFolder, UserPermissions.Delete);
            Add(destination, ref at, 'f', inFolder, UserPermissions.Rename);
            Add(destination, ref at, 'r', inFolder, UserPermissions.Read);
            Add(destination, ref at, 'w', inFolder, UserPermissions.Write | UserPermissions.Overwrite);
        }

        return at;
    }

    private static void Add(Span<byte> destination, ref int at, char letter, UserPermissions granted, UserPermissions needed)
    {
        if ((granted & needed) == needed)
        {
            destination[at++] = (byte)letter;
        }
    }

    private static int Append(Span<byte> destination, ReadOnlySpan<byte> text)
    {
        text.CopyTo(destination);
        return text.Length;
    }
}
