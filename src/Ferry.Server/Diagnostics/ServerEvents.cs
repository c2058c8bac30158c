namespace Ferry.Server.Diagnostics;

/// <summary>
/// Where the engine reports a finished transfer and each audited operation, once, for every sink
/// that listens. The engine knows nothing of the formats (xferlog, JSON, hooks) it feeds.
/// </summary>
internal sealed class ServerEvents
{
    private readonly IServerEventSink[] _sinks;

    public ServerEvents(IEnumerable<IServerEventSink>? sinks = null)
    {
        _sinks = sinks?.ToArray() ?? [];
    }

    /// <summary>No sink at all: callers may skip building a record.</summary>
    public bool IsEmpty => _sinks.Length == 0;

    public void TransferEnded(in TransferRecord transfer)
    {
        foreach (var sink in _sinks)
        {
            sink.TransferEnded(transfer);
        }
    }

    public void Audited(in AuditRecord audit)
    {
        foreach (var sink in _sinks)
        {
            sink.Audited(audit);
        }
    }
}
