namespace Ferry.Server.Storage;

/// <summary>
/// An absolute path inside a user's virtual root, always normalised: it starts with '/', has no
/// empty, "." or ".." segments and no trailing slash (except the root itself). The only way to
/// build one from client text is <see cref="Resolve"/>, so every handler sees the same rules.
/// </summary>
public readonly record struct VirtualPath
{
    private VirtualPath(string value) => Value = value;

    public static VirtualPath Root { get; } = new("/");

    public string Value { get; }

    public bool IsRoot => Value.Length == 1;

    /// <summary>The last segment ("" for the root).</summary>
    public string Name => IsRoot ? string.Empty : Value[(Value.LastIndexOf('/') + 1)..];

    public VirtualPath Parent
    {
        get
        {
            if (IsRoot)
            {
                return this;
            }

            var slash = Value.LastIndexOf('/');
            return slash == 0 ? Root : new VirtualPath(Value[..slash]);
        }
    }

    /// <summary>The segments below the root, in order.</summary>
    public string[] Segments => IsRoot ? [] : Value[1..].Split('/');

    public VirtualPath Child(string name)
    {
        if (HasForbiddenCharacter(name))
        {
            throw new InvalidPathException();
        }

        if (name.Length == 0 || name is "." or ".." || name.Contains('/'))
        {
            throw new StorageException(StorageErrorKind.InvalidName);
        }

        return new VirtualPath(IsRoot ? "/" + name : Value + "/" + name);
    }

    /// <summary>
    /// Resolves client text against the current directory. ".." never climbs above the root
    /// (as RFC 959 servers conventionally clamp it). Text with CR, LF or NUL is no path name and
    /// throws <see cref="InvalidPathException"/>: RFC 959 §5.3.2 makes a pathname character "any
    /// of the 128 ASCII characters except &lt;CR&gt; and &lt;LF&gt;" (RFC 2640 keeps that for UTF-8
    /// names), a bare CR inside a command line is only there because the line is framed on
    /// LF, and the OS would silently cut a name at NUL. Such a name, once made, could only be
    /// echoed raw (257 `MKD x\r226 fake`) or not at all (issue 11, finding 8).
    /// </summary>
    public static VirtualPath Resolve(VirtualPath current, string? clientPath)
    {
        if (string.IsNullOrEmpty(clientPath))
        {
            return current;
        }

        if (HasForbiddenCharacter(clientPath))
        {
            throw new InvalidPathException();
        }

        var segments = new List<string>(clientPath[0] == '/' ? [] : current.Segments);
        foreach (var segment in clientPath.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (segments.Count > 0)
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }

                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        return segments.Count == 0 ? Root : new VirtualPath("/" + string.Join('/', segments));
    }

    /// <summary>Whether text holds CR, LF or NUL, which no path name may (see <see cref="Resolve"/>).</summary>
    public static bool HasForbiddenCharacter(string text) => text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;

    public override string ToString() => Value;
}
