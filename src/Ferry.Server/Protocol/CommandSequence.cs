namespace Ferry.Server.Protocol;

/// <summary>Where a verb stands in the two command sequences FTP has (RFC 959 §4.1.3 RNFR→RNTO, RFC 3659 §5 REST→transfer).</summary>
internal enum CommandSequence
{
    /// <summary>Stands alone.</summary>
    None,

    /// <summary>RNFR: names the source for the command right after it, which must be RNTO.</summary>
    StartsRename,

    /// <summary>RNTO: 503 unless the command before it was an accepted RNFR (RFC 959 §4.1.3).</summary>
    CompletesRename,

    /// <summary>REST: sets the byte offset for the next transfer (RFC 3659 §5.3).</summary>
    SetsRestartOffset,

    /// <summary>RETR, STOR: start at the REST offset. Other transfer verbs (APPE, STOU) discard it, so it never applies to a later transfer.</summary>
    UsesRestartOffset,
}
