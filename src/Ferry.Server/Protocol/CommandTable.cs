using System.Collections.Frozen;
using Ferry.Server.Diagnostics;
using Ferry.Server.Protocol.Handlers;
using Ferry.Server.Security;
using Ferry.Server.Storage;

namespace Ferry.Server.Protocol;

/// <summary>
/// Every verb Ferry knows and its rules, in one place: the dispatcher's gates, FEAT (RFC 2389),
/// HELP and docs/rfc-compliance.md all come from this table, and a test fails when a verb here
/// has no test of its own.
/// </summary>
internal static class CommandTable
{
    private const UserPermissions Anyone = UserPermissions.None;
    private const bool Login = true;
    private const bool NoLogin = false;
    private const bool Concurrent = true;
    private const bool Sequential = false;

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        // Access control (RFC 959 §4.1.1)
        new("USER", AccessCommands.UserAsync, NoLogin, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.1", "USER <name>", null, "Virtual users from the user store; anonymous/ftp when enabled."),
        new("PASS", AccessCommands.PassAsync, NoLogin, ArgumentRule.Optional, Anyone, Sequential, "RFC 959 §4.1.1", "PASS <password>", null, "530 for any failure, the same reply and cost whether or not the user exists; 421 and close, unchecked, for a banned address or a user name being guessed from many addresses (the same for any name).",
            SecretArgument: true),
        new("ACCT", AccessCommands.AcctAsync, NoLogin, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.1", "ACCT <account>", null, "No accounts are needed: 202 during or after a login, 503 before USER."),
        new("CWD", DirectoryCommands.CwdAsync, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.1", "CWD <path>", "TVFS", "Paths are Unix-style with '/' as separator (TVFS, RFC 3659 §6)."),
        new("XCWD", DirectoryCommands.CwdAsync, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 775", "XCWD <path>", null, "Alias of CWD."),
        new("CDUP", DirectoryCommands.CdupAsync, Login, ArgumentRule.None, Anyone, Sequential, "RFC 959 §4.1.1", "CDUP", null, "250, as CWD: RFC 959 §4.1.1 says CDUP's replies are CWD's (§5.4 lists 200; PHP's ftp_cdup accepts only 250)."),
        new("XCUP", DirectoryCommands.CdupAsync, Login, ArgumentRule.None, Anyone, Sequential, "RFC 775", "XCUP", null, "Alias of CDUP."),
        new("SMNT", null, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.1", "SMNT <path>", null, "Not implemented (502): there are no mountable file structures."),
        new("REIN", AccessCommands.ReinAsync, NoLogin, ArgumentRule.None, Anyone, Sequential, "RFC 959 §4.1.1", "REIN", null, "Logs out and resets the session; 220."),
        new("QUIT", AccessCommands.QuitAsync, NoLogin, ArgumentRule.None, Anyone, Concurrent, "RFC 959 §4.1.1", "QUIT", null, "During a transfer, 221 follows the transfer's own reply."),

        // Transfer parameters (RFC 959 §4.1.2)
        new("PORT", DataConnectionCommands.PortAsync, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.2", "PORT <h1,h2,h3,h4,p1,p2>", null, "Only to the control connection's address (else 501) and ports >= 1024 (else 504, RFC 2577 §3)."),
        new("PASV", DataConnectionCommands.PasvAsync, Login, ArgumentRule.None, Anyone, Sequential, "RFC 959 §4.1.2", "PASV", null, "Port from the configured range; the configured public address for NAT; accepts one connection, from the control peer only."),
        new("EPRT", DataConnectionCommands.EprtAsync, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 2428 §2", "EPRT |<proto>|<address>|<port>|", "EPRT", "IPv4 (1) and IPv6 (2); same address and port rules as PORT."),
        new("EPSV", DataConnectionCommands.EpsvAsync, Login, ArgumentRule.Optional, Anyone, Sequential, "RFC 2428 §3", "EPSV [<proto>|ALL]", "EPSV", "EPSV ALL then refuses PORT, EPRT and PASV (RFC 2428 §4)."),
        new("TYPE", ParameterCommands.TypeAsync, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.2", "TYPE <A [N]|I|L 8>", null, "ASCII converts line ends; EBCDIC and other byte sizes get 504."),
        new("STRU", ParameterCommands.StruAsync, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.2", "STRU <F>", null, "File structure only; R and P get 504."),
        new("MODE", ParameterCommands.ModeAsync, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.2", "MODE <S>", null, "Stream mode only; B, C and Z get 504."),

        // FTP service commands (RFC 959 §4.1.3)
        new("RETR", TransferCommands.RetrAsync, Login, ArgumentRule.Required, UserPermissions.Read, Sequential, "RFC 959 §4.1.3", "RETR <path>", null, "Binary from local disk uses sendfile(2); REST offsets honoured.",
            DataUse: DataChannelUse.Download, Sequence: CommandSequence.UsesRestartOffset, Audit: AuditAction.Download),
        new("STOR", TransferCommands.StorAsync, Login, ArgumentRule.Required, UserPermissions.Write, Sequential, "RFC 959 §4.1.3", "STOR <path>", null, "Binary into local disk uses splice(2); a REST offset resumes an upload. Replacing or resuming an existing file also needs Overwrite; without it the file must be new.",
            DataUse: DataChannelUse.Upload, Sequence: CommandSequence.UsesRestartOffset, Audit: AuditAction.Upload),
        new("STOU", TransferCommands.StouAsync, Login, ArgumentRule.Optional, UserPermissions.Write, Sequential, "RFC 959 §4.1.3, RFC 1123 §4.1.2.9", "STOU [<name>]", null, "150 FILE: <name> (RFC 1123 §4.1.2.9).",
            DataUse: DataChannelUse.Upload, Audit: AuditAction.Upload),
        new("APPE", TransferCommands.AppeAsync, Login, ArgumentRule.Required, UserPermissions.Write, Sequential, "RFC 959 §4.1.3", "APPE <path>", null, "Creates the file when missing; appending to an existing one also needs Overwrite.",
            DataUse: DataChannelUse.Upload, RequiresCapability: FileSystemCapabilities.Append, Audit: AuditAction.Upload),
        new("ALLO", TransferCommands.AlloAsync, Login, ArgumentRule.Optional, Anyone, Sequential, "RFC 959 §4.1.3", "ALLO <bytes>", null, "No reservation is needed: 202."),
        new("REST", TransferCommands.RestAsync, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.3, RFC 3659 §5", "REST <offset>", "REST STREAM", "Stream-mode byte offset for the next RETR, STOR (RFC 3659 §5).",
            Sequence: CommandSequence.SetsRestartOffset, RequiresCapability: FileSystemCapabilities.ReadFromOffset),
        new("RNFR", FileCommands.RnfrAsync, Login, ArgumentRule.Required, UserPermissions.Rename, Sequential, "RFC 959 §4.1.3", "RNFR <path>", null, "350 when the source exists; Rename is checked in the folder it leaves.",
            Sequence: CommandSequence.StartsRename, RequiresCapability: FileSystemCapabilities.Rename, Audit: AuditAction.Rename),
        new("RNTO", FileCommands.RntoAsync, Login, ArgumentRule.Required, UserPermissions.Rename, Sequential, "RFC 959 §4.1.3", "RNTO <path>", null, "503 unless it directly follows RNFR; Rename is checked in the folder it enters, and Overwrite onto an existing file.",
            Sequence: CommandSequence.CompletesRename, RequiresCapability: FileSystemCapabilities.Rename, Audit: AuditAction.Rename),
        new("ABOR", TransferCommands.AborAsync, Login, ArgumentRule.None, Anyone, Concurrent, "RFC 959 §4.1.3", "ABOR", null, "426 for the transfer, then 226; 225 when none runs."),
        new("DELE", FileCommands.DeleAsync, Login, ArgumentRule.Required, UserPermissions.Delete, Sequential, "RFC 959 §4.1.3", "DELE <path>", null, "Files only; a directory gets 550.", Audit: AuditAction.Delete),
        new("RMD", DirectoryCommands.RmdAsync, Login, ArgumentRule.Required, UserPermissions.Delete, Sequential, "RFC 959 §4.1.3", "RMD <path>", null, "Empty directories only; the permission is the parent folder's.", Audit: AuditAction.RemoveDirectory),
        new("XRMD", DirectoryCommands.RmdAsync, Login, ArgumentRule.Required, UserPermissions.Delete, Sequential, "RFC 775", "XRMD <path>", null, "Alias of RMD.", Audit: AuditAction.RemoveDirectory),
        new("MKD", DirectoryCommands.MkdAsync, Login, ArgumentRule.Required, UserPermissions.MakeDirectory, Sequential, "RFC 959 §4.1.3", "MKD <path>", null, "257 with the quoted absolute path (RFC 959 Appendix II); the permission is the parent folder's.", Audit: AuditAction.MakeDirectory),
        new("XMKD", DirectoryCommands.MkdAsync, Login, ArgumentRule.Required, UserPermissions.MakeDirectory, Sequential, "RFC 775", "XMKD <path>", null, "Alias of MKD.", Audit: AuditAction.MakeDirectory),
        new("PWD", DirectoryCommands.PwdAsync, Login, ArgumentRule.None, Anyone, Sequential, "RFC 959 §4.1.3", "PWD", null, "257 with the quoted path, quotes doubled (RFC 959 Appendix II)."),
        new("XPWD", DirectoryCommands.PwdAsync, Login, ArgumentRule.None, Anyone, Sequential, "RFC 775", "XPWD", null, "Alias of PWD."),
        new("LIST", ListingCommands.ListAsync, Login, ArgumentRule.Optional, UserPermissions.List, Sequential, "RFC 959 §4.1.3", "LIST [-a] [<path>]", null, "`ls -l` format; -a shows dot-files; streamed as the directory is read.",
            DataUse: DataChannelUse.Listing),
        new("NLST", ListingCommands.NlstAsync, Login, ArgumentRule.Optional, UserPermissions.List, Sequential, "RFC 959 §4.1.3", "NLST [-a] [<path>]", null, "Names only.",
            DataUse: DataChannelUse.Listing),
        new("SITE", SiteCommands.SiteAsync, Login, ArgumentRule.Required, Anyone, Sequential, "RFC 959 §4.1.3", "SITE <HELP|CHMOD mode path|QUOTA>", null, "SITE HELP, SITE QUOTA (bytes and files used of the limits) and SITE CHMOD (when the storage supports it; needs Overwrite). 550 for the home folder itself and for modes that let others write (o+w).", Audit: AuditAction.Chmod),
        new("SYST", InformationCommands.SystAsync, NoLogin, ArgumentRule.None, Anyone, Sequential, "RFC 959 §4.1.3", "SYST", null, "215 UNIX Type: L8, which every client expects for `ls -l` listings."),
        new("STAT", InformationCommands.StatAsync, Login, ArgumentRule.Optional, Anyone, Concurrent, "RFC 959 §4.1.3", "STAT [<path>]", null, "Without a path: server and transfer status; with one: a listing on the control connection (needs List)."),
        new("HELP", InformationCommands.HelpAsync, NoLogin, ArgumentRule.Optional, Anyone, Sequential, "RFC 959 §4.1.3", "HELP [<verb>]", null, "From this table."),
        new("NOOP", InformationCommands.NoopAsync, NoLogin, ArgumentRule.None, Anyone, Concurrent, "RFC 959 §4.1.3", "NOOP", null, "200, also during a transfer."),

        // Extensions
        new("FEAT", InformationCommands.FeatAsync, NoLogin, ArgumentRule.None, Anyone, Sequential, "RFC 2389 §3", "FEAT", null, "From this table."),
        new("OPTS", InformationCommands.OptsAsync, NoLogin, ArgumentRule.Required, Anyone, Sequential, "RFC 2389 §4", "OPTS <UTF8 ON|MLST facts|HASH [algorithm]>", "UTF8", "UTF8 ON/OFF (always UTF-8, RFC 2640); MLST fact selection (RFC 3659 §7.9); HASH algorithm query and selection (draft-bryan-ftpext-hash §3.2)."),
        new("SIZE", FileCommands.SizeAsync, Login, ArgumentRule.Required, UserPermissions.List, Sequential, "RFC 3659 §4", "SIZE <path>", "SIZE", "TYPE I: bytes on storage; TYPE A: bytes as sent with CRLF line ends (RFC 3659 §4), for files up to 64 MiB; directories get 550."),
        new("MDTM", FileCommands.MdtmAsync, Login, ArgumentRule.Required, UserPermissions.List, Sequential, "RFC 3659 §3", "MDTM <path>", "MDTM", "UTC YYYYMMDDHHMMSS."),
        new("MFMT", FileCommands.MfmtAsync, Login, ArgumentRule.Required, UserPermissions.Overwrite, Sequential, "draft-somers-ftp-mfxx §3", "MFMT <YYYYMMDDHHMMSS> <path>", "MFMT", "Sets the modification time (UTC).",
            RequiresCapability: FileSystemCapabilities.SetModificationTime, Audit: AuditAction.SetModifiedTime),
        new("MLST", ListingCommands.MlstAsync, Login, ArgumentRule.Optional, UserPermissions.List, Sequential, "RFC 3659 §7", "MLST [<path>]", null, "Facts type, size, modify, perm, unique, UNIX.mode; perm is what this user may do there, directory rules included."),
        new("MLSD", ListingCommands.MlsdAsync, Login, ArgumentRule.Optional, UserPermissions.List, Sequential, "RFC 3659 §7", "MLSD [<path>]", null, "A missing directory gets 550 (rclone relies on it); streamed.",
            DataUse: DataChannelUse.Listing),
        new("AVBL", QuotaCommands.AvblAsync, Login, ArgumentRule.Optional, UserPermissions.List, Sequential, "draft-peterson-streamlined-ftp-command-extensions §4", "AVBL [<path>]", "AVBL", "213 with the bytes the user may still store there: what the quota leaves, at most the disk's free space; without a quota the disk's free space (statvfs). 550 for a missing path or a file."),
        new("HOST", AccessCommands.HostAsync, NoLogin, ArgumentRule.Required, Anyone, Sequential, "RFC 7151 §3", "HOST <name>", "HOST", "Accepted before login (220); 503 after USER or login."),

        // Checksums (draft-bryan-ftpext-hash; the X* verbs are Serv-U's and ProFTPD mod_digest's, listed in the draft's Appendix B)
        new("HASH", ChecksumCommands.HashAsync, Login, ArgumentRule.Required, UserPermissions.Read, Sequential, "draft-bryan-ftpext-hash-02 §3", "HASH <path>", "HASH", "213 <algorithm> 0-<size> <hex> <path> with the algorithm OPTS HASH selected (SHA-256 by default; SHA-1, SHA-512, MD5, CRC32). An upload's kept SHA-256 answers at once; otherwise files up to MaxHashFileSize are read (556 above it, 553 for a directory). RANG ranges are not implemented."),
        new("XCRC", ChecksumCommands.XcrcAsync, Login, ArgumentRule.Required, UserPermissions.Read, Sequential, "draft-bryan-ftpext-hash-02 Appendix B", "XCRC <path> [<start> <end>]", "XCRC", "250 <HEX>: CRC-32 as ProFTPD mod_digest and Serv-U answer; an optional byte range (end exclusive); a quoted path may hold spaces."),
        new("XMD5", ChecksumCommands.Xmd5Async, Login, ArgumentRule.Required, UserPermissions.Read, Sequential, "draft-bryan-ftpext-hash-02 Appendix B", "XMD5 <path> [<start> <end>]", "XMD5", "250 <HEX>: MD5, as XCRC."),
        new("XSHA1", ChecksumCommands.Xsha1Async, Login, ArgumentRule.Required, UserPermissions.Read, Sequential, "draft-bryan-ftpext-hash-02 Appendix B", "XSHA1 <path> [<start> <end>]", "XSHA1", "250 <HEX>: SHA-1, as XCRC."),
        new("XSHA256", ChecksumCommands.Xsha256Async, Login, ArgumentRule.Required, UserPermissions.Read, Sequential, "draft-bryan-ftpext-hash-02 Appendix B", "XSHA256 <path> [<start> <end>]", "XSHA256", "250 <HEX>: SHA-256, as XCRC; an upload's kept SHA-256 answers at once."),
        new("XSHA512", ChecksumCommands.Xsha512Async, Login, ArgumentRule.Required, UserPermissions.Read, Sequential, "draft-bryan-ftpext-hash-02 Appendix B", "XSHA512 <path> [<start> <end>]", "XSHA512", "250 <HEX>: SHA-512, as XCRC."),

        // Security extensions (RFC 2228, RFC 4217)
        new("AUTH", SecurityCommands.AuthAsync, NoLogin, ArgumentRule.Required, Anyone, Sequential, "RFC 2228 §3, RFC 4217 §4", "AUTH <TLS>", "AUTH TLS", "TLS 1.2/1.3; SSL, TLS-C and TLS-P as aliases; bytes sent behind AUTH are dropped (command injection defence).",
            RequiresTls: true),
        new("PBSZ", SecurityCommands.PbszAsync, NoLogin, ArgumentRule.Required, Anyone, Sequential, "RFC 2228 §3, RFC 4217 §8", "PBSZ 0", "PBSZ", "Always 0 with TLS; 503 before AUTH.",
            RequiresTls: true),
        new("PROT", SecurityCommands.ProtAsync, NoLogin, ArgumentRule.Required, Anyone, Sequential, "RFC 2228 §3, RFC 4217 §9", "PROT <C|P>", "PROT", "P protects data connections; C is refused (534) where data TLS is required; S/E get 536.",
            RequiresTls: true),
        new("CCC", null, Login, ArgumentRule.None, Anyone, Sequential, "RFC 4217 §6", "CCC", null, "Not implemented (502): the control connection stays encrypted."),
    ];

    private static readonly FrozenDictionary<string, CommandSpec> ByVerb = All.ToFrozenDictionary(spec => spec.Verb, StringComparer.Ordinal);

    public static CommandSpec? Find(string verb) => ByVerb.GetValueOrDefault(verb);
}
