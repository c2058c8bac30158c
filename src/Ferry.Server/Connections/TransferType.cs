namespace Ferry.Server.Connections;

/// <summary>TYPE (RFC 959 §3.1.1): ASCII converts line ends, Image sends bytes as they are.</summary>
internal enum TransferType
{
    Ascii,
    Image,
}
