namespace Ferry.Server.Diagnostics;

/// <summary>The audit log's words for <see cref="AuditAction"/> (which verb does which is the command table's Audit column).</summary>
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
}
