namespace Ferry.Server.Storage;

/// <summary>
/// The one exception a file system backend throws. It carries a kind, never OS text: the
/// message a client sees comes from the reply mapping, so no host path or errno leaks out.
/// </summary>
public sealed class StorageException : Exception
{
    public StorageException(StorageErrorKind kind)
        : base(kind.ToString()) => Kind = kind;

    public StorageException(StorageErrorKind kind, Exception innerException)
        : base(kind.ToString(), innerException) => Kind = kind;

    public StorageException()
        : this(StorageErrorKind.Transient)
    {
    }

    public StorageException(string message)
        : base(message) => Kind = StorageErrorKind.Transient;

    public StorageException(string message, Exception innerException)
        : base(message, innerException) => Kind = StorageErrorKind.Transient;

    public StorageErrorKind Kind { get; }
}
