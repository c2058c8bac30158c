namespace Ferry.Server.Diagnostics;

/// <summary>How a session ended: the <c>ferry.session.end</c> tag of the <c>ferry.sessions</c> metric.</summary>
internal enum SessionEnd
{
    /// <summary>The client sent QUIT.</summary>
    Quit,

    /// <summary>The client closed or reset the control connection without QUIT.</summary>
    ClientClosed,

    /// <summary>FirstCommandTimeout, LoginTimeout or IdleTimeout.</summary>
    Timeout,

    /// <summary>Its place went to a newer connection while it had sent no command (MaxUnauthenticatedSessions).</summary>
    Evicted,

    /// <summary>The server closed it after a refusal: a ban, too many failed logins, MaxSessionsPerUser.</summary>
    ServerClosed,

    /// <summary>The server stopped.</summary>
    Shutdown,

    /// <summary>An administrator disconnected it (the admin API, `ferry kick`).</summary>
    Kicked,

    /// <summary>The TLS handshake (AUTH TLS or implicit FTPS) failed or timed out.</summary>
    TlsFailed,

    /// <summary>Anything else: a fault of the session (logged at Debug).</summary>
    Error,
}
