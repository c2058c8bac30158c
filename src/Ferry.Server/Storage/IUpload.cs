using System.Diagnostics.CodeAnalysis;

namespace Ferry.Server.Storage;

/// <summary>
/// One upload in progress. It ends in exactly one of two ways: <see cref="CommitAsync"/> after the
/// last byte and before the 226, or disposal without a commit, which is an abort (ABOR, a storage
/// error, the client gone, a stall, the server stopping). The backend decides what each means: the
/// local one renames a temporary file over the target, or keeps or removes the partial data; an
/// object store completes or aborts a multipart upload. Nothing the upload wrote is visible at its
/// path as a finished file before the commit, unless the backend says otherwise.
/// </summary>
public interface IUpload : IAsyncDisposable
{
    /// <summary>Where the upload goes (what the client asked for; STOU's chosen name).</summary>
    VirtualPath Path { get; }

    /// <summary>Where the transfer writes the bytes, positioned where they belong.</summary>
    Stream Content { get; }

    /// <summary>
    /// The local OS file behind <see cref="Content"/>, when the backend has
    /// <see cref="FileSystemCapabilities.LocalFileHandle"/>: the confined descriptor itself, for
    /// splice(2), so the fast path never opens a path again.
    /// </summary>
    bool TryGetLocalFile([NotNullWhen(true)] out FileStream? file);

    /// <summary>Makes the upload the file at <see cref="Path"/>; a failure is a <see cref="StorageException"/> and leaves the upload aborted.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// After <see cref="CommitAsync"/>: the SHA-256 (lower-case hex) of the whole file as
    /// committed, when the backend computed it while the bytes went by, so the server need not
    /// read the file back (an object store, where that is a second download); null otherwise.
    /// <see cref="Content"/>'s Length is then the file's size. No default body: a wrapper that
    /// forgot to forward it (the quota wrapper once did) would make every upload read back.
    /// </summary>
    string? Sha256 { get; }

    /// <summary>
    /// The abort that follows must leave nothing, whatever AbortedUploads says: the upload policy
    /// refused these bytes (a virus scan's find is not a partial to resume). A backend that writes
    /// in place (AtomicUploads false) has made the bytes visible already and cannot take them back.
    /// </summary>
    void DiscardOnAbort()
    {
    }
}
