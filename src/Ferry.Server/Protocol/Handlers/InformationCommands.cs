using System.Globalization;
using System.Text;
using Ferry.Server.Connections;
using Ferry.Server.Protocol.Listing;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol.Handlers;

/// <summary>Informational commands: SYST, STAT, HELP, NOOP (RFC 959 §4.1.3), FEAT and OPTS (RFC 2389).</summary>
internal static class InformationCommands
{
    /// <summary>"UNIX Type: L8" is what clients need to expect `ls -l` listings (RFC 959 §4.1.3, assigned names in RFC 1700).</summary>
    public static ValueTask SystAsync(FtpConnection connection, string argument) =>
        connection.ReplyAsync(FtpReplyCode.SystemType, "UNIX Type: L8");

    public static ValueTask NoopAsync(FtpConnection connection, string argument) =>
        connection.ReplyAsync(FtpReplyCode.CommandOkay, "NOOP ok.");

    /// <summary>RFC 2389 §3.2: one feature per line, each indented by one space.</summary>
    public static ValueTask FeatAsync(FtpConnection connection, string argument) =>
        connection.ReplyAsync(FtpReplyCode.SystemStatus, "Features:\n"
            + string.Join('\n', FeatureLines(connection.Session, StorageCapabilities.Of(connection), connection.Server.Certificates is not null)) + "\nEnd");

    /// <summary>
    /// The FEAT lines, from the command table: a verb whose storage capability is missing is not
    /// offered (RFC 2389 §3: FEAT lists what the server supports now), nor the TLS verbs without a
    /// certificate. MLST lists its facts, the selected ones marked '*' (RFC 3659 §7.8).
    /// </summary>
    internal static IEnumerable<string> FeatureLines(FtpSession session, FileSystemCapabilities capabilities, bool tlsAvailable)
    {
        var mlst = "MLST " + string.Concat(MlsxFormatter.SupportedFacts.Select(f => f + (session.MlstFacts.Contains(f) ? "*;" : ";")));
        return CommandTable.All
            .Where(spec => spec.Feature is not null && spec.IsImplemented && spec.IsSupportedBy(capabilities))
            .Where(spec => tlsAvailable || !spec.RequiresTls)
            .Select(spec => spec.Verb == "HASH" ? ChecksumCommands.FeatureLine(session) : spec.Feature!)
            .Append(mlst)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .Select(line => " " + line);
    }

    public static ValueTask OptsAsync(FtpConnection connection, string argument)
    {
        var space = argument.IndexOf(' ');
        var option = (space < 0 ? argument : argument[..space]).ToUpperInvariant();
        var value = space < 0 ? string.Empty : argument[(space + 1)..].Trim();
        switch (option)
        {
            case "UTF8" or "UTF-8":
                // Paths are always UTF-8 (RFC 2640 §3.2); Windows Explorer needs this to succeed.
                return connection.ReplyAsync(FtpReplyCode.CommandOkay, "UTF8 mode is always on.");
            case "MLST":
                var selected = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var fact in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var known = MlsxFormatter.SupportedFacts.FirstOrDefault(f => f.Equals(fact, StringComparison.OrdinalIgnoreCase));
                    if (known is not null)
                    {
                        selected.Add(known);
                    }
                }

                // RFC 3659 §7.9: unknown facts are ignored; the reply lists the facts now selected.
                connection.Session.MlstFacts = selected;
                var list = string.Concat(MlsxFormatter.SupportedFacts.Where(selected.Contains).Select(f => f + ";"));
                return connection.ReplyAsync(FtpReplyCode.CommandOkay, "MLST OPTS " + list);
            case "HASH":
                return ChecksumCommands.OptsHashAsync(connection, value);
            default:
                return connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Option not understood: " + option);
        }
    }

    public static ValueTask HelpAsync(FtpConnection connection, string argument)
    {
        var capabilities = StorageCapabilities.Of(connection);
        if (argument.Length > 0)
        {
            var spec = CommandTable.Find(argument.Trim().ToUpperInvariant());
            return spec is null
                ? connection.ReplyAsync(FtpReplyCode.SyntaxErrorInParameters, "Unknown command " + argument.Trim() + ".")
                : connection.ReplyAsync(FtpReplyCode.HelpMessage, "Syntax: " + spec.Syntax
                    + (!spec.IsImplemented ? " (not implemented)" : !spec.IsSupportedBy(capabilities) ? " (not available with this server's storage)" : string.Empty));
        }

        // Only what this session can use: a verb its storage cannot carry out gets 502, so it is not listed.
        var verbs = CommandTable.All.Where(s => s.IsImplemented && s.IsSupportedBy(capabilities)).Select(s => s.Verb).Order(StringComparer.Ordinal).ToArray();
        var text = new StringBuilder("The following commands are recognized:\n");
        foreach (var row in verbs.Chunk(10))
        {
            text.Append(string.Join(' ', row.Select(v => v.PadRight(5)))).Append('\n');
        }

        return connection.ReplyAsync(FtpReplyCode.HelpMessage, text.Append("Help OK.").ToString());
    }

    /// <summary>RFC 959 §4.1.3: without a path, the server's status (and the running transfer's); with one, a listing on the control connection.</summary>
    public static async ValueTask StatAsync(FtpConnection connection, string argument)
    {
        if (argument.Length > 0)
        {
            await connection.WaitForTransferAsync();
            await ListingCommands.StatPathAsync(connection, argument);
            return;
        }

        var session = connection.Session;
        var transfer = connection.CurrentTransfer;
        var text = new StringBuilder("Ferry FTP server status:\n")
            .Append("Connected from ").Append(connection.RemoteAddress).Append('\n')
            .Append("Logged in as ").Append(session.UserNameForLog).Append('\n')
            .Append("TYPE: ").Append(session.TransferType == TransferType.Ascii ? "ASCII" : "BINARY").Append(", STRUcture: File, MODE: Stream\n")
            .Append(transfer is null
                ? "No data transfer in progress\n"
                : string.Create(CultureInfo.InvariantCulture, $"Transferring: {transfer.Description}, {transfer.BytesTransferred} bytes so far\n"))
            .Append("End of status.");
        await connection.ReplyAsync(FtpReplyCode.SystemStatus, text.ToString());
    }
}
