using System.Diagnostics.CodeAnalysis;
using Ferry.Server.Storage;

namespace Ferry.Server.Quotas;

/// <summary>
/// An upload under a quota: bytes are reserved as they arrive (<see cref="IUploadAllowance"/>),
/// and at the end the account learns what the file really changed on storage (its size after
/// minus before, and whether a file appeared), whatever the backend made of a commit or an abort.
/// An upload stopped by the quota leaves nothing of a new file behind.
/// </summary>
internal sealed class QuotaUpload : IUpload, IUploadAllowance
{
    private readonly IUpload _inner;
    private readonly IFileSystem _fileSystem;
    private readonly IQuotaAccount _account;
    private readonly QuotaReservation _reservation;
    private readonly FileSystemEntry? _before;
    private long _credit;
    private bool _refused;
    private bool _settled;

    /// <param name="inner">The backend's upload.</param>
    /// <param name="fileSystem">The backend, to look at the file after the upload.</param>
    /// <param name="account">The user's account.</param>
    /// <param name="reservation">Holds the new file's place in the count, when the file is new.</param>
    /// <param name="before">The file before the upload; null when there was none.</param>
    /// <param name="credit">Bytes of the old file the upload replaces (an overwrite, a resume before the end): they are free again when the upload commits.</param>
    public QuotaUpload(IUpload inner, IFileSystem fileSystem, IQuotaAccount account, QuotaReservation reservation, FileSystemEntry? before, long credit)
    {
        _inner = inner;
        _fileSystem = fileSystem;
        _account = account;
        _reservation = reservation;
        _before = before;
        _credit = credit;
    }

    public VirtualPath Path => _inner.Path;

    public Stream Content => _inner.Content;

    public string? Sha256 => _inner.Sha256;

    public bool TryGetLocalFile([NotNullWhen(true)] out FileStream? file) => _inner.TryGetLocalFile(out file);

    public long Granted { get; private set; }

    public void Extend(long wanted)
    {
        var fromCredit = Math.Min(_credit, wanted);
        _credit -= fromCredit;
        var granted = fromCredit + (wanted > fromCredit ? _account.ReserveBytes(_reservation, wanted - fromCredit) : 0);
        Granted += granted;
    }

    public void Exceeded() => _refused = true;

    public void DiscardOnAbort() => _inner.DiscardOnAbort();

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        await _inner.CommitAsync(cancellationToken);
        await SettleAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        if (_settled)
        {
            return;
        }

        if (_refused && _before is null)
        {
            // Stopped by the quota: whatever the backend kept of a new file for a resume is removed, so nothing of it remains or counts.
            try
            {
                await _fileSystem.DeleteFileAsync(Path, CancellationToken.None);
            }
            catch (StorageException)
            {
            }
        }

        await SettleAsync(CancellationToken.None);
    }

    /// <summary>Applies the change the file really went through; the reservation ends either way.</summary>
    private async ValueTask SettleAsync(CancellationToken cancellationToken)
    {
        _settled = true;
        FileSystemEntry? after;
        try
        {
            after = await _fileSystem.GetEntryAsync(Path, cancellationToken);
        }
        catch (Exception e) when (e is StorageException or OperationCanceledException)
        {
            // Not knowable now: the reservation ends, the usage stays; `ferry user quota --scan` recounts.
            _account.Settle(_reservation, 0, 0);
            throw;
        }

        var afterFile = after is { IsDirectory: false } ? after : null;
        _account.Settle(_reservation,
            (afterFile?.Size ?? 0) - (_before?.Size ?? 0),
            (afterFile is null ? 0 : 1) - (_before is null ? 0 : 1));
    }
}
