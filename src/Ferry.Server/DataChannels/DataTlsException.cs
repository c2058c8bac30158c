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

    /// <summary>
    /// The client ended the connection after the server's TLS 1.3 handshake flight but before its
    /// own Finished, on a session resumed from this login's control connection (see
    /// <see cref="Security.Tls.SessionReuseGuard.ProvesOwnResumption"/>): nothing can have been
    /// sent, so for an upload this is an empty file, not a failed connection.
    /// </summary>
    public bool EndedBeforeClientFinished { get; init; }
}
