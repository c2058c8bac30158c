namespace Ferry.Server.Storage;

/// <summary>
/// Client text that is not a path name at all: it holds CR, LF or NUL (see
/// <see cref="VirtualPath.Resolve"/>). Not a storage failure, since nothing was asked of the
/// storage; the protocol answers it as a syntax error in the argument.
/// </summary>
public sealed class InvalidPathException : Exception
{
    public InvalidPathException()
        : base("A path name may not contain CR, LF or NUL.")
    {
    }

    public InvalidPathException(string message)
        : base(message)
    {
    }

    public InvalidPathException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
