using System.Collections.Concurrent;
using Ferry.Server.Diagnostics;

namespace Ferry.Server.Tests.Diagnostics;

/// <summary>Keeps what the server reports to its event sinks (ServerEvents), in order.</summary>
internal sealed class RecordingEventSink : IServerEventSink
{
    private readonly ConcurrentQueue<AuditRecord> _audits = new();
    private readonly ConcurrentQueue<TransferRecord> _transfers = new();

    public IReadOnlyList<AuditRecord> Audits => [.. _audits];

    public IReadOnlyList<TransferRecord> Transfers => [.. _transfers];

    public void TransferEnded(in TransferRecord transfer) => _transfers.Enqueue(transfer);

    public void Audited(in AuditRecord audit) => _audits.Enqueue(audit);
}
