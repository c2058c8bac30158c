using System.Net;
using System.Net.Sockets;

namespace Ferry.Server;

/// <summary>
/// Where the server gets sockets it may not be able to bind itself: its control listeners and,
/// with <see cref="FtpServerOptions.ActiveModeSourcePort20"/>, active-mode data connections from
/// port 20. Started as root, the host hands in a privileged helper process that binds them and
/// passes them over a Unix socket (SCM_RIGHTS), the way vsftpd's privileged parent does; under
/// systemd socket activation, the inherited listeners.
/// </summary>
public interface IPrivilegedSocketSource
{
    /// <summary>
    /// A TCP socket bound to <paramref name="endPoint"/>, not yet listening or connected (for
    /// "::" dual stack). Throws <see cref="SocketException"/> when the bind fails or is refused.
    /// </summary>
    ValueTask<Socket> BindAsync(IPEndPoint endPoint, CancellationToken cancellationToken);
}
