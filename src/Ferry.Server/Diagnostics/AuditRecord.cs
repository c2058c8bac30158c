using System.Net;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// One change a user made, or one operation refused: the audit log's line. Written at the
/// default level, so who did what (and what was stopped) is on record without Debug logging.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="RemoteAddress">The client's address.</param>
/// <param name="User">The user's name ("-" before login).</param>
/// <param name="Verb">The FTP verb as received (DELE, RNTO, SITE CHMOD, ...).</param>
/// <param name="Action">What it does, in the audit log's words.</param>
/// <param name="Path">The file or folder acted on, as the user sees it.</param>
/// <param name="Target">The second path (a rename's new name); null otherwise.</param>
/// <param name="Refused">True when the operation was not carried out.</param>
/// <param name="Reason">Why it was refused (permission, quota, storage error, ...); null when done.</param>
internal readonly record struct AuditRecord(
    long SessionId,
    IPAddress RemoteAddress,
    string User,
    string Verb,
    AuditAction Action,
    string Path,
    string? Target,
    bool Refused,
    string? Reason);
