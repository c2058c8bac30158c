using System.Diagnostics.CodeAnalysis;

namespace Ferry.Server.Storage.Local;

/// <summary>An upload written straight into its target file: commit and abort both just close it.</summary>
internal sealed class InPlaceUpload(VirtualPath path, FileStream file) : IUpload
{
    public VirtualPath Path { get; } = path;

    public Stream Content => file;

    /// <summary>Not computed here, as in <see cref="AtomicUpload"/>.</summary>
    public string? Sha256 => null;

    public bool TryGetLocalFile([NotNullWhen(true)] out FileStream? local)
    {
        local = file;
        return true;
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await file.DisposeAsync();
        }
        catch (IOException e)
        {
            throw LocalErrors.Translate(e);
        }
    }

    public ValueTask DisposeAsync() => file.DisposeAsync();
}
