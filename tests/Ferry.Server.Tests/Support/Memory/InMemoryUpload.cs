using System.Diagnostics.CodeAnalysis;
using Ferry.Server.Storage;

namespace Ferry.Server.Tests.Support.Memory;

/// <summary>
/// An upload into a private buffer, published under the volume's lock, so a reader sees the old
/// file or the new one and never a part. What each ending means:
/// <list type="bullet">
/// <item>Commit: the buffer becomes the file. CreateNew checks again that the name is still free
/// (two STOUs of one name: the second commit fails with AlreadyExists, and nothing is replaced).</item>
/// <item>Abort of Replace or CreateNew: the buffer is dropped; an existing file keeps its old content,
/// a new name stays absent (what an object store's aborted multipart upload does).</item>
/// <item>Abort of Resume or Append after some bytes arrived: the bytes kept before the offset plus
/// those received are published, as if committed, because a client resumes from what SIZE says
/// (REST SIZE, STOR), and that must be every byte the server took. With no byte received, nothing
/// changes.</item>
/// </list>
/// Two uploads of one file at once: the last to publish wins, as with a rename over the target.
/// </summary>
internal sealed class InMemoryUpload : IUpload
{
    private readonly InMemoryVolume _volume;
    private readonly UploadMode _mode;
    private readonly int _keptLength;
    private readonly MemoryStream _buffer;
    private bool _finished;

    /// <param name="volume">Where the file is published.</param>
    /// <param name="path">The target.</param>
    /// <param name="mode">How the target is treated.</param>
    /// <param name="kept">The bytes of the target the upload keeps in front of its own (Append: all; Resume: those before the offset).</param>
    public InMemoryUpload(InMemoryVolume volume, VirtualPath path, UploadMode mode, byte[] kept)
    {
        _volume = volume;
        _mode = mode;
        Path = path;
        _keptLength = kept.Length;
        _buffer = new MemoryStream();
        _buffer.Write(kept);
    }

    public VirtualPath Path { get; }

    public Stream Content => _buffer;

    /// <summary>Not computed: the server reads the committed file back, as on local disk.</summary>
    public string? Sha256 => null;

    public bool TryGetLocalFile([NotNullWhen(true)] out FileStream? file)
    {
        file = null;
        return false;
    }

    public ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        cancellationToken.ThrowIfCancellationRequested();

        // Whatever happens now, the upload has ended: a failed commit is an abort, and the dispose after it changes nothing.
        _finished = true;
        Publish();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            if (_mode is UploadMode.Resume or UploadMode.Append && _buffer.Length > _keptLength)
            {
                try
                {
                    Publish();
                }
                catch (StorageException)
                {
                    // The folder went away meanwhile: there is nowhere to keep the bytes.
                }
            }
        }

        _buffer.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Publish()
    {
        // ToArray works on a closed MemoryStream too, should the copy loop have disposed it.
        var content = _buffer.ToArray();
        lock (_volume.Gate)
        {
            var parent = _volume.ParentOf(Path);
            var entries = parent.Children!;
            var existing = entries.GetValueOrDefault(Path.Name);
            if (existing is { IsDirectory: true })
            {
                throw new StorageException(StorageErrorKind.IsADirectory);
            }

            if (existing is not null && _mode == UploadMode.CreateNew)
            {
                throw new StorageException(StorageErrorKind.AlreadyExists);
            }

            var now = _volume.NowUtc;
            if (existing is not null && _mode is UploadMode.Resume or UploadMode.Append)
            {
                // Written in place, as on disk: the same file (unique id, mode) with more bytes.
                existing.Content = content;
                existing.ModifiedUtc = now;
            }
            else
            {
                // A new object replaces the old, as the atomic rename of a temporary file does.
                entries[Path.Name] = MemoryNode.NewFile(_volume.NextId(), content, now);
            }

            parent.ModifiedUtc = now;
        }
    }
}
