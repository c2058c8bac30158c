namespace Ferry.Server.Quotas;

/// <summary>What one upload holds of an account until it is settled (commit) or released (abort).</summary>
public sealed class QuotaReservation
{
    /// <summary>Bytes granted so far.</summary>
    public long Bytes { get; internal set; }

    /// <summary>1 when the upload creates a file and holds a place for it in the file count.</summary>
    public long Files { get; internal set; }
}
