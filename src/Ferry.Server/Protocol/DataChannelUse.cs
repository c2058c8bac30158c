namespace Ferry.Server.Protocol;

/// <summary>What a verb does with the data connection prepared by PASV/EPSV/PORT/EPRT (RFC 959 §3.2).</summary>
internal enum DataChannelUse
{
    /// <summary>The verb answers on the control connection only.</summary>
    None,

    /// <summary>A file goes from storage to the client (RETR).</summary>
    Download,

    /// <summary>A file comes from the client to storage (STOR, STOU, APPE): TLS uploads read ahead and watch for close_notify.</summary>
    Upload,

    /// <summary>A directory listing goes to the client (LIST, NLST, MLSD).</summary>
    Listing,
}
