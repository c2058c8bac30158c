namespace Ferry.Server.Diagnostics;

/// <summary>
/// Receives the engine's records as they happen: the xferlog writer, the audit log and event
/// hooks. Called on the session's own path, so an implementation must be quick and must not
/// throw: anything slow (a file flush, a webhook, a command) goes to its own queue. A sink
/// overrides only the records it wants.
/// </summary>
internal interface IServerEventSink
{
    /// <summary>
    /// True when this sink wants the SHA-256 of every committed upload in
    /// <see cref="TransferRecord.Sha256"/>, however small (an upload webhook's payload); otherwise
    /// only those UploadChecksum computes anyway carry one.
    /// </summary>
    bool WantsUploadChecksums => false;

    void TransferEnded(in TransferRecord transfer);

    void Audited(in AuditRecord audit);

    void LoginAttempted(in LoginRecord login)
    {
    }

    void AddressBanned(in BanRecord ban)
    {
    }

    void SessionEnded(in SessionRecord session)
    {
    }
}
