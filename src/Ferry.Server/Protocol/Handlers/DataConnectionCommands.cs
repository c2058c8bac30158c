using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ferry.Server.Connections;
using Ferry.Server.DataChannels;
using Ferry.Server.Diagnostics;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>
/// Preparing the data connection: PASV, PORT (RFC 959 §4.1.2), EPSV, EPRT (RFC 2428). Active
/// targets must be the control connection's own address at a port of 1024 or above (RFC 2577 §3,
/// the bounce attack); passive listeners accept only the control peer (PassiveDataChannel).
/// </summary>
internal static class DataConnectionCommands
{
    private const int LowestActivePort = 1024;

    public static async ValueTask PasvAsync(FtpConnection connection, string argument)
    {
        if (connection.Session.EpsvAll)
        {
            await connection.ReplyAsync(FtpReplyCode.BadSequence, "EPSV ALL is in effect: use EPSV.");
            return;
        }

        if (connection.LocalAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            await connection.ReplyAsync(FtpReplyCode.CannotOpenDataConnection, "PASV cannot describe an IPv6 address: use EPSV.");
            return;
        }

        if (await OpenPassiveAsync(connection) is not { } channel)
        {
            return;
        }

        connection.RefreshTlsTicket();
        var options = connection.Options;
        var address = string.IsNullOrWhiteSpace(options.PassiveAddress) ? connection.LocalAddress : IPAddress.Parse(options.PassiveAddress);
        var octets = address.GetAddressBytes();
        await connection.ReplyAsync(FtpReplyCode.EnteringPassiveMode, string.Create(CultureInfo.InvariantCulture,
            $"Entering Passive Mode ({octets[0]},{octets[1]},{octets[2]},{octets[3]},{channel.Port >> 8},{channel.Port & 0xFF})."));
    }

    public static async ValueTask EpsvAsync(FtpConnection connection, string argument)
    {
        var family = connection.LocalAddress.AddressFamily == AddressFamily.InterNetwork ? "1" : "2";
        switch (argument.Trim().ToUpperInvariant())
        {
            case "ALL":
                connection.Session.EpsvAll = true;
                await connection.ReplyAsync(FtpReplyCode.CommandOkay, "EPSV ALL ok: only EPSV will be accepted.");
                return;
            case "":
                break;
            case var requested when requested == family:
                break;
            case "1" or "2":
                // The listener is on the address the client reached us on, so its family is fixed.
                await connection.ReplyAsync(FtpReplyCode.NetworkProtocolNotSupported, $"Network protocol not supported, use ({family}).");
                return;
            default:
                await connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Syntax: EPSV [1|2|ALL]");
                return;
        }

        if (await OpenPassiveAsync(connection) is not { } channel)
        {
            return;
        }

        connection.RefreshTlsTicket();
        await connection.ReplyAsync(FtpReplyCode.EnteringExtendedPassiveMode, $"Entering Extended Passive Mode (|||{channel.Port}|).");
    }

    public static async ValueTask PortAsync(FtpConnection connection, string argument)
    {
        if (connection.Session.EpsvAll)
        {
            await connection.ReplyAsync(FtpReplyCode.BadSequence, "EPSV ALL is in effect: use EPSV.");
            return;
        }

        if (!TryParsePort(argument, out var target))
        {
            await connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Syntax: PORT h1,h2,h3,h4,p1,p2");
            return;
        }

        await AcceptActiveAsync(connection, target, "PORT");
    }

    public static async ValueTask EprtAsync(FtpConnection connection, string argument)
    {
        if (connection.Session.EpsvAll)
        {
            await connection.ReplyAsync(FtpReplyCode.BadSequence, "EPSV ALL is in effect: use EPSV.");
            return;
        }

        switch (TryParseEprt(argument, out var target))
        {
            case EprtParse.BadProtocol:
                await connection.ReplyAsync(FtpReplyCode.NetworkProtocolNotSupported, "Network protocol not supported, use (1,2).");
                return;
            case EprtParse.BadSyntax:
                await connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Syntax: EPRT |1|a.b.c.d|port| or |2|ipv6|port|");
                return;
        }

        await AcceptActiveAsync(connection, target!, "EPRT");
    }

    /// <summary>RFC 959 §4.1.2: six decimal bytes, the address then the port high and low.</summary>
    internal static bool TryParsePort(string argument, out IPEndPoint target)
    {
        target = null!;
        var parts = argument.Trim().Split(',');
        if (parts.Length != 6)
        {
            return false;
        }

        var bytes = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (!byte.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        target = new IPEndPoint(new IPAddress(bytes.AsSpan(0, 4)), (bytes[4] << 8) | bytes[5]);
        return true;
    }

    internal enum EprtParse
    {
        Ok,
        BadSyntax,
        BadProtocol,
    }

    /// <summary>RFC 2428 §2: "&lt;d&gt;proto&lt;d&gt;address&lt;d&gt;port&lt;d&gt;" with any printable delimiter.</summary>
    internal static EprtParse TryParseEprt(string argument, out IPEndPoint? target)
    {
        target = null;
        argument = argument.Trim();
        if (argument.Length < 7 || argument[0] is < '!' or > '~')
        {
            return EprtParse.BadSyntax;
        }

        var fields = argument.Split(argument[0]);
        if (fields.Length != 5 || fields[0].Length != 0 || fields[4].Length != 0)
        {
            return EprtParse.BadSyntax;
        }

        var family = fields[1] switch
        {
            "1" => AddressFamily.InterNetwork,
            "2" => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        if (family == AddressFamily.Unknown)
        {
            return EprtParse.BadProtocol;
        }

        if (!IPAddress.TryParse(fields[2], out var address) || address.AddressFamily != family
            || !ushort.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return EprtParse.BadSyntax;
        }

        target = new IPEndPoint(address, port);
        return EprtParse.Ok;
    }

    private static async ValueTask AcceptActiveAsync(FtpConnection connection, IPEndPoint target, string verb)
    {
        // lftp sends "EPRT |2|::|port|" over IPv6: the unspecified address means "where this
        // command comes from", which cannot bounce anywhere, so it is the control peer.
        if (target.Address.Equals(IPAddress.IPv6Any) || target.Address.Equals(IPAddress.Any))
        {
            target = new IPEndPoint(connection.RemoteAddress, target.Port);
        }

        if (!AddressRules.SameHost(target.Address, connection.RemoteAddress))
        {
            await connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters,
                $"{verb} refused: the data connection must go to your own address ({connection.RemoteAddress}).");
            return;
        }

        if (target.Port < LowestActivePort)
        {
            // RFC 2577 §3 suggests 504 for a privileged port.
            await connection.ReplyAsync(FtpReplyCode.ParameterNotImplemented, $"{verb} refused: ports below {LowestActivePort} are not allowed.");
            return;
        }

        // Both ends unwrapped from IPv4-mapped form, so the socket's family matches its target.
        var endpoint = new IPEndPoint(AddressRules.Normalize(target.Address), target.Port);
        await connection.Session.SetDataChannelAsync(new ActiveDataChannel(
            endpoint, connection.LocalAddress, connection.Options.DataConnectionTimeout, connection.Server.Time,
            connection.Options.ActiveModeSourcePort20, connection.Server.SocketSource));
        connection.RefreshTlsTicket();
        await connection.ReplyAsync(FtpReplyCode.CommandOkay, $"{verb} command successful.");
    }

    /// <summary>A new passive listener, or null after replying 425 when the whole range is taken or the client's address holds its share of it.</summary>
    private static async ValueTask<PassiveDataChannel?> OpenPassiveAsync(FtpConnection connection)
    {
        // Close any earlier listener first (giving back its place too), so a flood of PASV holds
        // one port, not many (PassiveListenerLimitTests).
        await connection.Session.SetDataChannelAsync(null);
        var budget = connection.Server.PassiveListeners;
        if (budget.TryReserve(connection.RemoteAddress) is not { } reservation)
        {
            FerryLog.PassiveListenerLimitReached(connection.Logger, connection.Id, connection.RemoteAddress, budget.Limit);
            await connection.ReplyAsync(FtpReplyCode.CannotOpenDataConnection,
                $"Too many passive connections from your address wait to be used (at most {budget.Limit}): connect to the ports already offered, or try again later.");
            return null;
        }

        Socket listener;
        try
        {
            listener = connection.Server.PassivePorts.Bind(connection.LocalAddress);
        }
        catch (DataConnectionException e)
        {
            reservation.Release();
            await connection.ReplyAsync(FtpReplyCode.CannotOpenDataConnection, e.Message + " Try again later.");
            return null;
        }

        // Under PROT P the handshake starts once the client connects (see DataTls). The client has
        // the listener's wait to send its transfer command and TLS's own to finish the handshake.
        var options = connection.Options;
        Func<Socket, Action, CancellationToken, Task<ProtectedDataConnection>>? secureAtAccept = connection.Session.DataProtection == DataProtection.Private
            ? (socket, clientSpoke, cancellationToken) => DataTls.AcceptAsync(connection, socket, passive: true, options.DataConnectionTimeout + options.TlsHandshakeTimeout, cancellationToken, clientSpoke)
            : null;
        var channel = new PassiveDataChannel(listener, connection.RemoteAddress, options.DataConnectionTimeout,
            connection.Server.Time, connection.Logger, connection.Id, reservation, secureAtAccept, connection.Server.PassivePorts);
        await connection.Session.SetDataChannelAsync(channel);
        return channel;
    }
}
