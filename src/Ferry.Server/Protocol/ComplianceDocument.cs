using System.Text;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;

namespace Ferry.Server.Protocol;

/// <summary>Renders docs/rfc-compliance.md from the command table, so the document cannot drift from the code.</summary>
internal static class ComplianceDocument
{
    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("""
            # RFC compliance

            Generated from `src/Ferry.Server/Protocol/CommandTable.cs` by `ComplianceDocument`; a test
            fails when this file and the table differ (regenerate with
            `UPDATE_RFC_DOC=1 dotnet test tests/Ferry.Server.Tests --filter RfcCompliance`).

            Every verb below is exercised over the wire by a test marked `[VerbTest("VERB")]`; a test
            fails when one is missing. "Login" means the verb gets `530` before login. Verbs not in
            the table get `500`; verbs in it that are not implemented get `502`. "Storage needs" names
            the capability the user's storage backend must have (`FileSystemCapabilities`): where it
            lacks it, the verb gets `502` (as from a server without the verb, RFC 959 §4.2) and is
            left out of FEAT and HELP. Local disk has every capability.

            | Verb | Specified in | Status | Login | Storage needs | Notes |
            |---|---|---|---|---|---|

            """);
        foreach (var spec in CommandTable.All)
        {
            text.Append("| `").Append(spec.Verb).Append("` | ").Append(spec.Rfc).Append(" | ")
                .Append(spec.IsImplemented ? "supported" : "not implemented (502)").Append(" | ")
                .Append(spec.NeedsLogin ? "yes" : "no").Append(" | ")
                .Append(spec.RequiresCapability == FileSystemCapabilities.None ? string.Empty : "`" + spec.RequiresCapability + "`").Append(" | ")
                .Append(spec.Notes.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |\n");
        }

        text.Append("""

            ## FEAT (RFC 2389)

            FEAT lists the `Feature` column of the table, for the verbs the session's storage can carry
            out (before login: what the file system factory's backends offer); AUTH, PBSZ and PROT only
            with a certificate. MLST adds its facts, selected ones marked `*`. With local disk storage:

            ```

            """);
        foreach (var line in Handlers.InformationCommands.FeatureLines(new Connections.FtpSession(), LocalFileSystem.Supported, tlsAvailable: true))
        {
            text.Append(line).Append('\n');
        }

        text.Append("""
            ```

            ## Behaviour shared by all verbs

            - Commands end with CRLF; a bare LF is accepted. Verbs are case-insensitive (RFC 959 §5.3).
            - Telnet IAC sequences are removed from command lines (RFC 959 §4.1.3, IAC IP / IAC DM before ABOR).
            - Multi-line replies follow RFC 959 §4.2: `NNN-` on the first line, `NNN ` on the last, the lines between indented.
            - Paths are UTF-8 (RFC 2640); a line that is not valid UTF-8 is read as Latin-1.
            - Pipelined commands are answered in order. During a transfer, ABOR, STAT, NOOP and QUIT are answered at once; other commands wait for the transfer's final reply.
            - Every transfer: `150`, then one of `226`, `425`, `426`, `451`, `452` (RFC 959 §5.4).

            """);
        return text.ToString();
    }
}
