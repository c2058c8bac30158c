namespace Ferry.Server.Diagnostics;

/// <summary>
/// Where the engine reports a finished transfer, each audited operation, each login, ban and
/// session end, once, for every sink that listens. The engine knows nothing of the formats
/// (xferlog, JSON, hooks) it feeds.
/// </summary>
internal sealed class ServerEvents
{
    private readonly IServerEventSink[] _sinks;

    public ServerEvents(IEnumerable<IServerEventSink>? sinks = null)
    {
        _sinks = sinks?.ToArray() ?? [];
        WantsUploadChecksums = Array.Exists(_sinks, sink => sink.WantsUploadChecksums);
    }

    /// <summary>No sink at all: callers may skip building a record.</summary>
    public bool IsEmpty => _sinks.Length == 0;

    /// <summary>A sink wants every committed upload's SHA-256 (see <see cref="IServerEventSink.WantsUploadChecksums"/>).</summary>
    public bool WantsUploadChecksums { get; }

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

    public void LoginAttempted(in LoginRecord login)
    {
        foreach (var sink in _sinks)
        {
            sink.LoginAttempted(login);
        }
    }

    public void AddressBanned(in BanRecord ban)
    {
        foreach (var sink in _sinks)
        {
            sink.AddressBanned(ban);
        }
    }

    public void SessionEnded(in SessionRecord session)
    {
        foreach (var sink in _sinks)
        {
            sink.SessionEnded(session);
        }
    }
}
