using Ferry.Server.Storage;

namespace Ferry.Server.Quotas;

/// <summary>
/// The pump's side of <see cref="IUploadAllowance"/>: sizes each read so that at most one byte
/// past the grant is ever taken from the network (to tell an upload that ends exactly at the limit
/// from one that goes on), and stops the upload before a byte past the grant reaches storage.
/// </summary>
internal readonly struct UploadBudget(IUploadAllowance? allowance)
{
    /// <summary>Grants asked for at least this much at a time, so the account's lock is taken about once per MiB.</summary>
    private const long GrantStep = 1024 * 1024;

    /// <summary>How many bytes the next read may take, at most <paramref name="wanted"/>.</summary>
    public int NextRead(long received, int wanted)
    {
        if (allowance is null)
        {
            return wanted;
        }

        if (allowance.Granted - received < wanted)
        {
            allowance.Extend(Math.Max(GrantStep, wanted - (allowance.Granted - received)));
        }

        return (int)Math.Min(wanted, allowance.Granted - received + 1);
    }

    /// <summary>Throws QuotaExceeded (552) once more was received than granted; nothing past the grant is written.</summary>
    public void Check(long received)
    {
        if (allowance is not null && received > allowance.Granted)
        {
            allowance.Exceeded();
            throw new StorageException(StorageErrorKind.QuotaExceeded);
        }
    }
}
