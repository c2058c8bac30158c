namespace Ferry.Server.Quotas;

/// <summary>
/// How many bytes an upload may still take, asked by the transfer pump as the bytes arrive (the
/// splice path never holds them in user space, so a wrapping stream could not count them). An
/// upload that receives more than it was granted is stopped with 552 (RFC 959 §4.2: "Requested
/// file action aborted. Exceeded storage allocation").
/// </summary>
internal interface IUploadAllowance
{
    /// <summary>Bytes granted so far, in all.</summary>
    long Granted { get; }

    /// <summary>Asks for <paramref name="wanted"/> more bytes; fewer (down to none) are granted when the quota is nearly used up.</summary>
    void Extend(long wanted);

    /// <summary>The client sent more than was granted: the upload is being stopped with 552.</summary>
    void Exceeded();
}
