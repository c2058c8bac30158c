namespace Ferry.Configuration;

/// <summary>
/// The "Admin" section: the admin REST API and web page (issue 15), served on the operations
/// listener (Operations:Listen) and, for the local CLI, on the Unix socket DATADIR/admin.sock.
/// </summary>
internal sealed class AdminSettings
{
    /// <summary>
    /// True (the default): the API and the page are served on Operations:Listen when that is set,
    /// and on DATADIR/admin.sock always, so `ferry who/kick/ban/status` work on every install.
    /// Every route needs an admin login or token; the socket is the server account's alone (0600).
    /// False: neither the API, nor the page, nor the socket.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a signed-in admin page stays signed in without being used (an idle lifetime, reset
    /// by every request): 8 hours, a working day, so a dashboard left open through a shift stays
    /// live (its live stream counts as use) while a browser forgotten overnight is signed out.
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = DefaultSessionLifetime;

    public static readonly TimeSpan DefaultSessionLifetime = TimeSpan.FromHours(8);

    /// <summary>One line per mistake, each naming the key (without the "Admin:" the caller adds).</summary>
    public IEnumerable<string> Validate()
    {
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(30))
        {
            yield return $"SessionLifetime: '{SessionLifetime}' must be from 00:01:00 (a minute) to 30.00:00:00 (30 days).";
        }
    }
}
