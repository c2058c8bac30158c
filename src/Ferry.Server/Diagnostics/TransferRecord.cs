using System.Net;
using Ferry.Server.Connections;
using Ferry.Server.Protocol;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// One data transfer as it ended, whatever ended it: what the xferlog line, the transfer metrics
/// and (later) event hooks are made from. Built once per transfer, after its final reply.
/// </summary>
/// <param name="SessionId">The session that ran it.</param>
/// <param name="RemoteAddress">The client's address (IPv4-mapped IPv6 shown as IPv4).</param>
/// <param name="User">The logged-in user's name ("anonymous" for an anonymous login).</param>
/// <param name="Anonymous">Whether the session logged in anonymously (xferlog's access mode).</param>
/// <param name="Verb">RETR, STOR, STOU, APPE, LIST, NLST or MLSD.</param>
/// <param name="Use">Download, upload or listing.</param>
/// <param name="Path">The file or folder, as the user sees it (from the user's root).</param>
/// <param name="Bytes">Bytes that crossed the data connection.</param>
/// <param name="Duration">From the transfer command to its final reply.</param>
/// <param name="Type">TYPE in force (ASCII or image).</param>
/// <param name="Tls">Whether the data connection was protected (PROT P).</param>
/// <param name="ControlTls">Whether the control connection was protected (AUTH TLS or implicit FTPS).</param>
/// <param name="Completed">True when it ended in 226: the whole file (or listing) moved.</param>
/// <param name="Result">What ended it, for people: "ok", "aborted", "data connection lost", ...</param>
/// <param name="Sha256">A committed upload's SHA-256 in lower-case hex, when it was computed (UploadChecksum, or a sink that wants every one); null otherwise.</param>
internal readonly record struct TransferRecord(
    long SessionId,
    IPAddress RemoteAddress,
    string User,
    bool Anonymous,
    string Verb,
    DataChannelUse Use,
    string Path,
    long Bytes,
    TimeSpan Duration,
    TransferType Type,
    bool Tls,
    bool ControlTls,
    bool Completed,
    string Result,
    string? Sha256 = null);
