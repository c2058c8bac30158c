namespace Ferry.Server.Diagnostics;

/// <summary>The audit log's words for <see cref="AuditAction"/>, and which action a verb's refusal is.</summary>
internal static class AuditActions
{
    /// <summary>The word in the record's Action field: stable, lower case, as a filter would match it.</summary>
    public static string Name(AuditAction action) => action switch
    {
        AuditAction.Upload => "upload",
        AuditAction.Delete => "delete",
        AuditAction.Rename => "rename",
        AuditAction.MakeDirectory => "mkdir",
        AuditAction.RemoveDirectory => "rmdir",
        AuditAction.Chmod => "chmod",
        AuditAction.SetModifiedTime => "set-mtime",
        AuditAction.Download => "download",
        _ => "other",
    };

    /// <summary>
    /// The action a command of this verb attempts, for a refusal decided before the handler says
    /// (the permission gate). SITE reaches the gate only for CHMOD.
    /// </summary>
    public static AuditAction ForVerb(string verb) => verb switch
    {
        "STOR" or "STOU" or "APPE" => AuditAction.Upload,
        "DELE" => AuditAction.Delete,
        "RNFR" or "RNTO" => AuditAction.Rename,
        "MKD" or "XMKD" => AuditAction.MakeDirectory,
        "RMD" or "XRMD" => AuditAction.RemoveDirectory,
        "SITE" => AuditAction.Chmod,
        "MFMT" => AuditAction.SetModifiedTime,
        "RETR" => AuditAction.Download,
        _ => AuditAction.Other,
    };

    /// <summary>The verb as the record names it: SITE's sub-command is part of it.</summary>
    public static string Verb(string verb, AuditAction action) => action == AuditAction.Chmod && verb == "SITE" ? "SITE CHMOD" : verb;
}
