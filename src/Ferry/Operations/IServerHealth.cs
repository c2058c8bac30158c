using System.Net;

namespace Ferry.Operations;

/// <summary>
/// What the operations listener may ask the FTP server about its health: the narrow door between
/// the HTTP side and the engine (STYLE.md, "HTTP surfaces"). Nothing here reaches into a session.
/// </summary>
internal interface IServerHealth
{
    /// <summary>Where the server accepts FTP (and implicit FTPS) connections; empty when it is not accepting.</summary>
    IReadOnlyList<IPEndPoint> ListeningEndPoints { get; }

    /// <summary>Since when accepting connections fails (out of file descriptors), or null while it works.</summary>
    DateTimeOffset? AcceptStarvedSince { get; }

    /// <summary>Sessions open now.</summary>
    int ActiveSessions { get; }

    /// <summary>When the TLS certificate in use expires; null when the server offers no TLS.</summary>
    DateTimeOffset? CertificateNotAfter { get; }

    /// <summary>Passive listeners open now.</summary>
    int PassivePortsInUse { get; }

    /// <summary>Ports in the passive range; null when the OS picks passive ports (no range).</summary>
    int? PassivePortsCapacity { get; }

    /// <summary>The last PASV/EPSV found the whole range taken (by Ferry or by other programs), and none has worked since.</summary>
    bool PassivePortsExhausted { get; }

    /// <summary>Asks the user store one question; throws (or is cancelled) when it does not answer.</summary>
    Task ProbeUserStoreAsync(CancellationToken cancellationToken);
}
