namespace Ferry.Operations;

/// <summary>The operations side could not start (its port is taken, say): the message is the one line `ferry serve` prints.</summary>
internal sealed class OperationsStartException(string message, Exception inner) : Exception(message, inner);
