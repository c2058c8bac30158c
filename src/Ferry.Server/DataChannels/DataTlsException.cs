namespace Ferry.Server.DataChannels;

/// <summary>The data connection was made but its TLS handshake failed (reply 425).</summary>
internal sealed class DataTlsException : DataConnectionException
{
    public DataTlsException()
    {
    }

    public DataTlsException(string message)
        : base(message)
    {
    }

    public DataTlsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
