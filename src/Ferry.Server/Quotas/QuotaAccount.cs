namespace Ferry.Server.Quotas;

/// <summary>The in-memory <see cref="IQuotaAccount"/>: one lock per user, held for a few additions.</summary>
internal sealed class QuotaAccount : IQuotaAccount
{
    private readonly Lock _lock = new();
    private long _bytes;
    private long _files;
    private long _reservedBytes;
    private long _reservedFiles;

    public QuotaAccount(QuotaLimits limits, long bytes, long files, DateTimeOffset countedAt)
    {
        Limits = limits;
        _bytes = bytes;
        _files = files;
        CountedAt = countedAt;
    }

    public QuotaLimits Limits { get; set; }

    /// <summary>When the usage was last counted from storage (a scan), for adopting a newer `ferry user quota --scan`.</summary>
    public DateTimeOffset CountedAt { get; private set; }

    public QuotaUsage Usage
    {
        get
        {
            lock (_lock)
            {
                return new QuotaUsage(_bytes, _files, _reservedBytes, _reservedFiles);
            }
        }
    }

    public bool TryReserveFile(QuotaReservation reservation)
    {
        lock (_lock)
        {
            if (Limits.MaxFiles > 0 && _files + _reservedFiles >= Limits.MaxFiles)
            {
                return false;
            }

            _reservedFiles++;
            reservation.Files++;
            return true;
        }
    }

    public long ReserveBytes(QuotaReservation reservation, long wanted)
    {
        lock (_lock)
        {
            var granted = Limits.MaxBytes == 0 ? wanted : Math.Clamp(Limits.MaxBytes - _bytes - _reservedBytes, 0, wanted);
            _reservedBytes += granted;
            reservation.Bytes += granted;
            return granted;
        }
    }

    public void Settle(QuotaReservation reservation, long bytesDelta, long filesDelta)
    {
        lock (_lock)
        {
            _reservedBytes -= reservation.Bytes;
            _reservedFiles -= reservation.Files;
            reservation.Bytes = 0;
            reservation.Files = 0;
            // Never below zero: a file changed behind the server's back (a shell, another server) can make a delta larger than what was counted.
            _bytes = Math.Max(0, _bytes + bytesDelta);
            _files = Math.Max(0, _files + filesDelta);
        }
    }

    /// <summary>Takes a newer count from storage (reservations of uploads in progress stay).</summary>
    public void Recount(long bytes, long files, DateTimeOffset countedAt)
    {
        lock (_lock)
        {
            _bytes = bytes;
            _files = files;
            CountedAt = countedAt;
        }
    }
}
