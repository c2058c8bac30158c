using Ferry.Server.Connections;
using Ferry.Server.Security.Tls;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>FTPS: AUTH, PBSZ, PROT (RFC 2228 §3, RFC 4217 §4, §8, §9).</summary>
internal static class SecurityCommands
{
    /// <summary>
    /// RFC 4217 §4: "AUTH TLS" → 234, then the TLS handshake. "AUTH SSL" and "AUTH TLS-P" are the
    /// older names; they also protect data connections, as the clients that send them expect
    /// (RFC 4217 §16). A new security exchange starts a new login (RFC 2228 §3).
    /// </summary>
    public static async ValueTask AuthAsync(FtpConnection connection, string argument)
    {
        var mechanism = argument.Trim().ToUpperInvariant();
        if (mechanism is not ("TLS" or "TLS-C" or "SSL" or "TLS-P"))
        {
            await connection.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "AUTH mechanism not supported; use AUTH TLS.");
            return;
        }

        if (connection.IsSecure)
        {
            await connection.ReplyAsync(FtpReplyCode.BadSequence, "TLS is already in use on this connection.");
            return;
        }

        if (connection.Server.Certificates is null)
        {
            await connection.ReplyAsync(FtpReplyCode.SecurityResourceUnavailable, "TLS is not configured on this server.");
            return;
        }

        await connection.WaitForTransferAsync();
        connection.TrackLogin(null);
        await connection.Session.ResetAsync();
        if (mechanism is "SSL" or "TLS-P")
        {
            connection.Session.ProtectionBufferSizeSet = true;
            connection.Session.DataProtection = DataProtection.Private;
        }

        await connection.ReplyAsync(FtpReplyCode.SecurityExchangeComplete, "AUTH " + mechanism + " successful; start the TLS handshake.");
        connection.RequestTlsUpgrade();
    }

    /// <summary>RFC 4217 §8: TLS needs no protection buffer, so the only size is 0.</summary>
    public static ValueTask PbszAsync(FtpConnection connection, string argument)
    {
        if (!connection.IsSecure)
        {
            return connection.ReplyAsync(FtpReplyCode.BadSequence, "PBSZ needs AUTH TLS first.");
        }

        connection.Session.ProtectionBufferSizeSet = true;
        return connection.ReplyAsync(FtpReplyCode.CommandOkay, argument.Trim() == "0" ? "PBSZ=0" : "PBSZ=0 (TLS needs no buffer)");
    }

    /// <summary>RFC 4217 §9: C (clear) or P (private); S and E have no TLS meaning (536).</summary>
    public static ValueTask ProtAsync(FtpConnection connection, string argument)
    {
        var session = connection.Session;
        if (!connection.IsSecure || !session.ProtectionBufferSizeSet)
        {
            return connection.ReplyAsync(FtpReplyCode.BadSequence, "PROT needs AUTH TLS and PBSZ 0 first.");
        }

        switch (argument.Trim().ToUpperInvariant())
        {
            case "P":
                session.DataProtection = DataProtection.Private;
                return connection.ReplyAsync(FtpReplyCode.CommandOkay, "Data connections will be protected (PROT P).");
            case "C" when DataTlsRequired(connection):
                return connection.ReplyAsync(FtpReplyCode.PolicyDenied,
                    "PROT C refused: this server requires protected data connections from your address (setting RequireDataTls).");
            case "C":
                session.DataProtection = DataProtection.Clear;
                return connection.ReplyAsync(FtpReplyCode.CommandOkay, "Data connections will be in clear text (PROT C).");
            case "S" or "E":
                return connection.ReplyAsync(FtpReplyCode.ProtectionLevelNotSupported, "Only PROT C and PROT P exist with TLS.");
            default:
                return connection.ReplyAsync(FtpReplyCode.ParameterNotImplemented, "Syntax: PROT C|P");
        }
    }

    /// <summary>Whether this session's data connections must be TLS (anonymous sessions are exempt).</summary>
    internal static bool DataTlsRequired(FtpConnection connection) =>
        !connection.Session.IsAnonymous
        && (connection.Session.User?.RequireTls == true || TlsPolicy.Applies(connection.Options.RequireDataTls, connection.RemoteAddress));

    /// <summary>Whether a non-anonymous login must wait for TLS.</summary>
    internal static bool LoginTlsRequired(FtpConnection connection) =>
        !connection.IsSecure && TlsPolicy.Applies(connection.Options.RequireTls, connection.RemoteAddress);
}
