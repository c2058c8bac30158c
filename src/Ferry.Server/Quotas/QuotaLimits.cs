namespace Ferry.Server.Quotas;

/// <summary>A user's storage allocation: bytes and number of files, 0 for no limit of that kind.</summary>
/// <param name="MaxBytes">The most bytes the user's files may hold together; 0: no limit.</param>
/// <param name="MaxFiles">The most files (not folders) the user may have; 0: no limit.</param>
public readonly record struct QuotaLimits(long MaxBytes, long MaxFiles)
{
    public bool IsUnlimited => MaxBytes == 0 && MaxFiles == 0;
}
