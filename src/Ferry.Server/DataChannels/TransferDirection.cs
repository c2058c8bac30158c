namespace Ferry.Server.DataChannels;

/// <summary>Which way a file transfer moves bytes, for the rate limit that applies to it.</summary>
internal enum TransferDirection
{
    /// <summary>RETR: server to client.</summary>
    Download,

    /// <summary>STOR, APPE, STOU: client to server.</summary>
    Upload,
}
