namespace Ferry.Server.Diagnostics;

/// <summary>A change a user makes to the files, or asks for and is refused (the audit log's verbs).</summary>
internal enum AuditAction
{
    /// <summary>STOR, STOU, APPE: a file written.</summary>
    Upload,

    /// <summary>DELE.</summary>
    Delete,

    /// <summary>RNFR + RNTO.</summary>
    Rename,

    /// <summary>MKD.</summary>
    MakeDirectory,

    /// <summary>RMD.</summary>
    RemoveDirectory,

    /// <summary>SITE CHMOD.</summary>
    Chmod,

    /// <summary>MFMT (and SITE UTIME).</summary>
    SetModifiedTime,

    /// <summary>RETR refused (a read is not a change, but a refused one is worth a trace).</summary>
    Download,

    /// <summary>Anything else refused by a permission or a policy (LIST of a forbidden folder, SITE commands).</summary>
    Other,
}
