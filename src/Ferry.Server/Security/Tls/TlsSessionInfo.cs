namespace Ferry.Server.Security.Tls;

/// <summary>What a completed server handshake says about its TLS session.</summary>
/// <param name="Protocol">OpenSSL's name of the version, e.g. "TLSv1.3".</param>
/// <param name="Resumed">The handshake resumed an earlier session (SSL_session_reused).</param>
/// <param name="Identity">
/// Which family of sessions this one belongs to: "L:" and the lineage id Ferry put into the
/// tickets of the connection that first created it (TLS 1.2 and 1.3 tickets, chained ones too),
/// or "S:" and the session ID for TLS 1.2 session-ID resumption; null when neither is known.
/// </param>
internal sealed record TlsSessionInfo(string Protocol, bool Resumed, string? Identity);
