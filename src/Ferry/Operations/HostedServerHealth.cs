using System.Net;
using Ferry.Hosting;

namespace Ferry.Operations;

/// <summary>
/// <see cref="IServerHealth"/> for the host's container: the FTP server's health once
/// <see cref="FtpServerService"/> has started it, and "not listening" before that (the operations
/// listener starts after the server, but a probe may race a failed start).
/// </summary>
internal sealed class HostedServerHealth(FtpServerService ftp) : IServerHealth
{
    private IServerHealth? Started => ftp.Health;

    public IReadOnlyList<IPEndPoint> ListeningEndPoints => Started?.ListeningEndPoints ?? [];

    public DateTimeOffset? AcceptStarvedSince => Started?.AcceptStarvedSince;

    public int ActiveSessions => Started?.ActiveSessions ?? 0;

    public DateTimeOffset? CertificateNotAfter => Started?.CertificateNotAfter;

    public int PassivePortsInUse => Started?.PassivePortsInUse ?? 0;

    public int? PassivePortsCapacity => Started?.PassivePortsCapacity;

    public bool PassivePortsExhausted => Started?.PassivePortsExhausted ?? false;

    public Task ProbeUserStoreAsync(CancellationToken cancellationToken) =>
        Started is { } health ? health.ProbeUserStoreAsync(cancellationToken) : Task.FromException(new InvalidOperationException("the server has not started"));
}
