using System.Net;
using System.Net.Security;
using Ferry.Server.Connections;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;

namespace Ferry.Server.Security.Tls;

/// <summary>
/// Applies <see cref="SessionReusePolicy"/> to each TLS data connection: it counts as resumed
/// when its handshake resumed a session whose identity belongs to a logged-in control connection
/// of the same user from the same address.
/// </summary>
internal sealed class SessionReuseGuard
{
    private FtpServerOptions _options;
    private IPNetwork[] _exemptNetworks;

    public SessionReuseGuard(FtpServerOptions options)
    {
        _options = options;
        _exemptNetworks = [.. options.SessionReuseExemptAddresses.Select(AddressRules.ParseNetwork)];
    }

    /// <summary>A reload: the policy and exemptions for the next data connections.</summary>
    public void Reconfigure(FtpServerOptions options)
    {
        _exemptNetworks = [.. options.SessionReuseExemptAddresses.Select(AddressRules.ParseNetwork)];
        _options = options;
    }

    public TlsSessionRegistry Registry { get; } = new();

    /// <summary>Set at start by the self-test; without it no connection is ever checked (and Required refuses to start).</summary>
    public bool Available { get; set; }

    public SessionReusePolicy Policy => Available ? _options.DataTlsSessionReuse : SessionReusePolicy.Off;

    /// <summary>
    /// After a control connection's handshake: its identity, to register at login (null when
    /// checks are off). Its TLS 1.3 tickets come later, just before a reply is written
    /// (FtpConnection.ExecuteAsync): a ticket queued with no write behind it would leave OpenSSL
    /// mid-handshake, and SslStream then never sees the client hang up.
    /// </summary>
    public string? AdoptControl(SslStream control)
    {
        if (!Available)
        {
            return null;
        }

        TlsSessionProbe.PrepareControl(control, tickets: 0);
        return Policy == SessionReusePolicy.Off ? null : TlsSessionProbe.Inspect(control)?.Identity;
    }

    /// <summary>
    /// Null when the data connection may go on, otherwise the refusal's text (reply 425).
    /// Adaptive decides per kind of connection: theft is a passive-port risk (a stranger connects
    /// to our port first), and a client may resume on one kind only (Perl's Net::FTP resumes on
    /// active connections, never on passive ones), so an active connection that resumed must not
    /// make later passive ones strict, nor the other way round.
    /// </summary>
    public string? Check(FtpConnection connection, SslStream data, bool passive)
    {
        var session = connection.Session;
        if (Policy == SessionReusePolicy.Off || session.User is not { } user
            || _options.SessionReuseExemptUsers.Contains(user.Name, StringComparer.Ordinal)
            || Array.Exists(_exemptNetworks, network => network.Contains(connection.RemoteAddress)))
        {
            return null;
        }

        var info = TlsSessionProbe.Inspect(data);
        var kind = passive ? DataTlsResumption.Passive : DataTlsResumption.Active;
        if (info is { Resumed: true, Identity: { } identity } && Registry.Matches(identity, user.Name, connection.RemoteAddress))
        {
            session.DataTlsResumed |= kind;
            return null;
        }

        var mustResume = Policy == SessionReusePolicy.Required || (Policy == SessionReusePolicy.Adaptive && session.DataTlsResumed.HasFlag(kind));
        var what = info is { Resumed: true } ? "resumed a TLS session of no login of yours" : "did not resume the login's TLS session";
        if (mustResume)
        {
            FerryLog.SessionReuseRefused(connection.Logger, connection.Id, connection.RemoteAddress, user.Name, what);
            connection.Server.Metrics.DataTlsReuseRefused();
            return $"Data connection refused: it {what} (setting DataTlsSessionReuse={Policy}). Enable TLS session reuse in your client.";
        }

        FerryLog.SessionReuseMissing(connection.Logger, connection.Id, connection.RemoteAddress, user.Name, what, Policy.ToString());
        return null;
    }

    /// <summary>
    /// After a data handshake that ended early: whether it had resumed, in TLS 1.3, a session of
    /// this login's control connection. In TLS 1.3 the ClientHello's PSK binder (RFC 8446 §4.2.11)
    /// already proves the client holds the session's secret, so the connection is the client's own
    /// even though its Finished never came; no application data can precede that Finished
    /// (RFC 8446 §2; there is no 0-RTT here). TLS 1.2 has no binder: a session ticket alone can be
    /// replayed, so a TLS 1.2 handshake never counts.
    /// </summary>
    public bool ProvesOwnResumption(FtpConnection connection, SslStream data) =>
        Policy != SessionReusePolicy.Off && connection.Session.User is { } user
        && TlsSessionProbe.Inspect(data) is { Protocol: "TLSv1.3", Resumed: true, Identity: { } identity }
        && Registry.Matches(identity, user.Name, connection.RemoteAddress);
}
