namespace Ferry.Server.Diagnostics;

/// <summary>
/// Receives the engine's records as they happen: the xferlog writer, the audit log and (later)
/// event hooks. Called on the session's own path, so an implementation must be quick and must
/// not throw: anything slow (a file flush, a webhook) goes to its own queue.
/// </summary>
internal interface IServerEventSink
{
    void TransferEnded(in TransferRecord transfer);

    void Audited(in AuditRecord audit);
}
