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
        if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\0'))
        {
            throw new StorageException(StorageErrorKind.InvalidName);
        }

        return new VirtualPath(IsRoot ? "/" + name : Value + "/" + name);
    }

    /// <summary>
    /// Resolves client text against the current directory. ".." never climbs above the root
    /// (as RFC 959 servers conventionally clamp it); a NUL byte makes the name invalid, since
    /// the OS would silently truncate there.
    /// </summary>
    public static VirtualPath Resolve(VirtualPath current, string? clientPath)
    {
        if (string.IsNullOrEmpty(clientPath))
        {
            return current;
        }

        if (clientPath.Contains('\0'))
        {
            throw new StorageException(StorageErrorKind.InvalidName);
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

    public override string ToString() => Value;
}
