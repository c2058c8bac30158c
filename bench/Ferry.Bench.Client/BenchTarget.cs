using System.Net;

namespace Ferry.Bench.Client;

/// <summary>Where the server listens and who logs in: the same for every scenario of one run.</summary>
internal sealed record BenchTarget(IPEndPoint EndPoint, string User, string Password)
{
    public async Task<FtpControlConnection> LoginAsync(CancellationToken cancellationToken)
    {
        var control = await FtpControlConnection.ConnectAsync(EndPoint, cancellationToken);
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
}
