using System.Net;
using Ferry.Server;
using Ferry.Server.Security;
using Ferry.Server.Security.Tls;

namespace Ferry.Operations;

/// <summary><see cref="IServerHealth"/> over a running <see cref="FtpServer"/>, its user store and its certificate.</summary>
internal sealed class FtpServerHealth(FtpServer server, IUserStore users, TlsCertificateProvider? certificates) : IServerHealth
{
    /// <summary>A name no account can have (user names have no spaces): the probe reads the store without finding anyone.</summary>
    private const string ProbeName = "ferry readiness probe";

    public IReadOnlyList<IPEndPoint> ListeningEndPoints =>
        !server.IsAccepting ? [] : server.ImplicitTlsEndPoint is { } implicitTls ? [server.LocalEndPoint, implicitTls] : [server.LocalEndPoint];

    public DateTimeOffset? AcceptStarvedSince => server.AcceptStarvedSince;

    public int ActiveSessions => server.ActiveSessions;

    public DateTimeOffset? CertificateNotAfter => certificates?.NotAfter;

    public int PassivePortsInUse => server.PassivePorts.InUse;

    public int? PassivePortsCapacity => server.PassivePorts.Capacity;

    public bool PassivePortsExhausted => server.PassivePorts.Exhausted;

    public async Task ProbeUserStoreAsync(CancellationToken cancellationToken) => await users.FindAsync(ProbeName, cancellationToken);
}
