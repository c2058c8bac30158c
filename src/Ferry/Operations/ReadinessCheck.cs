using System.Globalization;

namespace Ferry.Operations;

/// <summary>
/// /readyz's checks, each one a reason an FTP client could be turned away now or soon: the server
/// is not accepting, the user store does not answer (no login can succeed), the certificate
/// expires within Operations:CertificateMinDays (clients will start refusing it), or the passive
/// range is used up (every PASV/EPSV gets 425).
/// </summary>
internal sealed class ReadinessCheck(IServerHealth health, int certificateMinDays, TimeProvider time)
{
    /// <summary>How long the user store has to answer; a probe every few seconds must not pile up behind a stuck store.</summary>
    public static readonly TimeSpan UserStoreTimeout = TimeSpan.FromSeconds(2);

    public async Task<ReadinessReport> RunAsync(CancellationToken cancellationToken) =>
        new([Listening(), await UserStoreAsync(cancellationToken), Certificate(), PassivePorts()]);

    private ReadinessItem Listening()
    {
        var endPoints = health.ListeningEndPoints;
        if (endPoints.Count == 0)
        {
            return new("listening", false, "the FTP server is not accepting connections");
        }

        return health.AcceptStarvedSince is { } since
            ? new("listening", false, $"accepting connections fails since {Format(since)} (out of file descriptors?); clients get 421")
            : new("listening", true, "accepting on " + string.Join(", ", endPoints));
    }

    private async Task<ReadinessItem> UserStoreAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(UserStoreTimeout);
        try
        {
            await health.ProbeUserStoreAsync(timeout.Token);
            return new("user_store", true, "answers");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new("user_store", false, $"did not answer within {UserStoreTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new("user_store", false, "fails: " + e.Message);
        }
    }

    private ReadinessItem Certificate()
    {
        if (health.CertificateNotAfter is not { } notAfter)
        {
            return new("certificate", true, "no TLS certificate in use");
        }

        var left = notAfter - time.GetUtcNow();
        var days = left.TotalDays;
        if (left <= TimeSpan.Zero)
        {
            return new("certificate", false, $"expired on {Format(notAfter)}");
        }

        return days <= certificateMinDays
            ? new("certificate", false, $"expires on {Format(notAfter)}, in {days.ToString("0.0", CultureInfo.InvariantCulture)} days: within Operations:CertificateMinDays ({certificateMinDays})")
            : new("certificate", true, $"valid until {Format(notAfter)} ({Math.Floor(days).ToString(CultureInfo.InvariantCulture)} days)");
    }

    private ReadinessItem PassivePorts()
    {
        var used = health.PassivePortsInUse;
        if (health.PassivePortsCapacity is not { } capacity)
        {
            return new("passive_ports", true, $"{used} in use; the system picks the ports (no PassivePorts range)");
        }

        if (health.PassivePortsExhausted || used >= capacity)
        {
            return new("passive_ports", false, $"none free: the last PASV/EPSV found all {capacity} ports of Server:PassivePorts taken ({used} held by Ferry, the rest by other programs or closing connections)");
        }

        return new("passive_ports", true, $"{used} of {capacity} in use");
    }

    private static string Format(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
