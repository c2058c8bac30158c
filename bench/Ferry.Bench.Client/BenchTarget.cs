using System.Net;

namespace Ferry.Bench.Client;

/// <summary>Where the server listens and who logs in: the same for every scenario of one run.</summary>
internal sealed record BenchTarget(IPEndPoint EndPoint, string User, string Password)
{
    /// <summary>
    /// A server whose accept queue overflowed (vsftpd listens with a backlog of 32) drops the last
    /// ACK of the handshake: the client believes it is connected, but the server never greets, and
    /// since FTP's server speaks first nothing ever retransmits. Such a connection is retried.
    /// </summary>
    private static readonly TimeSpan GreetingTimeout = TimeSpan.FromSeconds(5);

    private const int ConnectAttempts = 3;

    public async Task<FtpControlConnection> LoginAsync(CancellationToken cancellationToken)
    {
        var control = await ConnectAsync(cancellationToken);
        try
        {
            await control.LoginAsync(User, Password, cancellationToken);
            await control.ExpectAsync("TYPE I", 200, cancellationToken);
            return control;
        }
        catch
        {
            await control.DisposeAsync();
            throw;
        }
    }

    private async Task<FtpControlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var greeting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            greeting.CancelAfter(GreetingTimeout);
            try
            {
                return await FtpControlConnection.ConnectAsync(EndPoint, greeting.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && attempt < ConnectAttempts)
            {
                // No greeting: retry, see GreetingTimeout.
            }
        }
    }
}
