using System.Collections.Concurrent;
using Ferry.Server.Diagnostics;

namespace Ferry.Server.Tests.Diagnostics;

/// <summary>Keeps what the server reports to its event sinks (ServerEvents), in order.</summary>
internal sealed class RecordingEventSink : IServerEventSink
{
    private readonly ConcurrentQueue<AuditRecord> _audits = new();
    private readonly ConcurrentQueue<TransferRecord> _transfers = new();
    private readonly ConcurrentQueue<LoginRecord> _logins = new();
    private readonly ConcurrentQueue<BanRecord> _bans = new();
    private readonly ConcurrentQueue<SessionRecord> _sessions = new();

    /// <summary>Asks for every upload's checksum (as an upload hook does).</summary>
    public bool WantsUploadChecksums { get; init; }

    public IReadOnlyList<LoginRecord> Logins => [.. _logins];

    public IReadOnlyList<BanRecord> Bans => [.. _bans];

    public IReadOnlyList<SessionRecord> Sessions => [.. _sessions];

    public IReadOnlyList<AuditRecord> Audits => [.. _audits];

    public IReadOnlyList<TransferRecord> Transfers => [.. _transfers];

    public void TransferEnded(in TransferRecord transfer) => _transfers.Enqueue(transfer);

    public void Audited(in AuditRecord audit) => _audits.Enqueue(audit);

    public void LoginAttempted(in LoginRecord login) => _logins.Enqueue(login);

    public void AddressBanned(in BanRecord ban) => _bans.Enqueue(ban);

    public void SessionEnded(in SessionRecord session) => _sessions.Enqueue(session);
}
