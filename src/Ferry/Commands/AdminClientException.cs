namespace Ferry.Commands;

/// <summary>The running server could not be reached, or refused: one line for stderr, exit status 1.</summary>
internal sealed class AdminClientException(string message) : Exception(message);
