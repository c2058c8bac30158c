using System.Net.Sockets;
using Ferry.Server.Connections;

namespace Ferry.Server.DataChannels;

/// <summary>A data connection prepared by PASV/EPSV (we listen) or PORT/EPRT (we connect), used by one transfer.</summary>
internal interface IDataChannel : IAsyncDisposable
{
    /// <summary>True for PASV/EPSV: the client connects to us.</summary>
    bool IsPassive { get; }

    /// <summary>The connected socket; throws <see cref="DataConnectionException"/> when none can be had in time.</summary>
    ValueTask<Socket> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The TLS handshake started when the connection was accepted (a passive channel prepared
    /// under PROT P), or null when the transfer does its own. Await it after <see cref="OpenAsync"/>.
    /// </summary>
    Task<ProtectedDataConnection>? SecuredAtAccept { get; }

    /// <summary>
    /// With <see cref="SecuredAtAccept"/>: completes once the client has sent its first bytes (its
    /// ClientHello), that is once it has begun the handshake without waiting for the 150; null otherwise.
    /// </summary>
    Task? HandshakeBegun { get; }
}
