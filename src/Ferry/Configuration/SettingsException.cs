namespace Ferry.Configuration;

/// <summary>A configuration problem, reported as one line naming the key, never a stack trace.</summary>
internal sealed class SettingsException : Exception
{
    public SettingsException()
    {
    }

    public SettingsException(string message)
        : base(message)
    {
    }

    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
