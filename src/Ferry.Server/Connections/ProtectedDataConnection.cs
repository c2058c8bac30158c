using System.Net.Security;
using System.Net.Sockets;
using Ferry.Server.DataChannels;

namespace Ferry.Server.Connections;

/// <summary>
/// A data connection after its TLS handshake (PROT P): the SslStream a transfer uses and the
/// layers under it, which it owns and closes. The socket stays the data channel's.
/// </summary>
internal sealed class ProtectedDataConnection(SslStream tls, ReadAheadStream readAhead, NetworkStream network) : IAsyncDisposable
{
    public SslStream Tls { get; } = tls;

    /// <summary>The handshake ran before the transfer's direction was known; a download gives its buffer back.</summary>
    public ReadAheadStream ReadAhead { get; } = readAhead;

    public async ValueTask DisposeAsync()
    {
        await Tls.DisposeAsync();
        await ReadAhead.DisposeAsync();
        await network.DisposeAsync();
    }
}
