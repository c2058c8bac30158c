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

    /// <summary>A failure whose reply says why in the backend's words (<see cref="ClientReason"/>) instead of the kind's usual text.</summary>
    public StorageException(StorageErrorKind kind, string clientReason, Exception? innerException)
        : base(kind.ToString() + ": " + clientReason, innerException)
    {
        Kind = kind;
        ClientReason = clientReason;
    }

    public StorageException()
        : this(StorageErrorKind.Transient)
    {
    }

    public StorageException(string message)
        : base(message) => Kind = StorageErrorKind.Transient;

    public StorageException(string message, Exception innerException)
        : base(message, innerException) => Kind = StorageErrorKind.Transient;

    public StorageErrorKind Kind { get; }

    /// <summary>
    /// One line a client may read, written by the backend for a refusal only it can explain
    /// (an object store's folder too large to rename, the store unreachable); never host paths,
    /// keys outside the user's root or credentials. Null: the kind's usual text.
    /// </summary>
    public string? ClientReason { get; }
}
