namespace Ferry.Server.DataChannels;

/// <summary>No data connection could be opened (reply 425, RFC 959 §4.2).</summary>
internal class DataConnectionException : Exception
{
    public DataConnectionException()
    {
    }

    public DataConnectionException(string message)
        : base(message)
    {
    }

    public DataConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
