namespace Ferry.Server.Quotas;

/// <summary>
/// One user's storage accounting, shared by all the user's sessions. Uploads reserve before they
/// write (a place in the file count at begin, bytes as they arrive), settle at commit with what
/// the file really changed, and release at abort, so concurrent uploads of one user can never
/// pass the limit together. Kept behind this interface so the accounting can move to a store
/// shared by several servers (PostgreSQL) without touching the transfer path.
/// </summary>
public interface IQuotaAccount
{
    QuotaLimits Limits { get; }

    QuotaUsage Usage { get; }

    /// <summary>Holds a place for one new file; false when the file count is reached.</summary>
    bool TryReserveFile(QuotaReservation reservation);

    /// <summary>Grants up to <paramref name="wanted"/> more bytes to the reservation; the grant, 0 when the byte limit is reached.</summary>
    long ReserveBytes(QuotaReservation reservation, long wanted);

    /// <summary>Ends the reservation and applies what really changed on storage (may be negative: an overwrite with a smaller file, a delete).</summary>
    void Settle(QuotaReservation reservation, long bytesDelta, long filesDelta);
}
