namespace Ferry.Server;

/// <summary>
/// One user's own per-session limits in <see cref="FtpServerOptions.UserRateLimits"/>, bytes per
/// second. A value left out (null) keeps the server-wide per-session limit for that direction, so
/// raising one user's downloads does not lift their upload limit by accident; 0 is no limit.
/// </summary>
public sealed class UserRateLimit
{
    /// <summary>Replaces <see cref="FtpServerOptions.DownloadRateLimit"/> for this user; null keeps it.</summary>
    public long? Download { get; set; }

    /// <summary>Replaces <see cref="FtpServerOptions.UploadRateLimit"/> for this user; null keeps it.</summary>
    public long? Upload { get; set; }
}
