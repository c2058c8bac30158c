namespace Ferry.Bench.Client;

/// <summary>A server answered something the scenario did not expect; the operation counts as failed.</summary>
internal sealed class FtpProtocolException : Exception
{
    public FtpProtocolException()
    {
    }

    public FtpProtocolException(string message)
        : base(message)
    {
    }

    public FtpProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
