using System.Net.Sockets;

namespace Ferry.Server.DataChannels;

/// <summary>A data connection prepared by PASV/EPSV (we listen) or PORT/EPRT (we connect), used by one transfer.</summary>
internal interface IDataChannel : IAsyncDisposable
{
    /// <summary>True for PASV/EPSV: the client connects to us.</summary>
    bool IsPassive { get; }

    /// <summary>The connected socket; throws <see cref="DataConnectionException"/> when none can be had in time.</summary>
    ValueTask<Socket> OpenAsync(CancellationToken cancellationToken);
}
