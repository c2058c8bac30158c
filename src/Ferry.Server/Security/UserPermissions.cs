namespace Ferry.Server.Security;

/// <summary>
/// What a user may do; each FTP verb states the permission it needs in the command table. The
/// values are stored as an int in the user store, so a flag's value never changes; a new flag
/// needs a store migration that grants it to the rows that had it implicitly (SqliteUserStore).
/// Names for configuration and the CLI: <see cref="PermissionNames"/>.
/// </summary>
[Flags]
public enum UserPermissions
{
    None = 0,

    /// <summary>RETR: download files.</summary>
    Read = 1,

    /// <summary>STOR, STOU, APPE of a file that does not exist yet: upload new files.</summary>
    Write = 2,

    Delete = 4,

    Rename = 8,

    MakeDirectory = 16,

    /// <summary>LIST, NLST, MLSD, MLST, STAT with a path, SIZE, MDTM: see what exists.</summary>
    List = 32,

    /// <summary>
    /// Change a file that exists: STOR over it, APPE to it, resume it (REST), MFMT, SITE CHMOD,
    /// RNTO onto it. Split from <see cref="Write"/> so a drop box can take new files without
    /// letting one uploader destroy another's (vsftpd's anonymous uploads cannot overwrite either;
    /// SFTPGo's "overwrite"). Stores written before it existed get it wherever Write was set.
    /// </summary>
    Overwrite = 64,

    ReadOnly = Read | List,

    /// <summary>A drop box: new files only; no listing, no download, no overwrite, no directories (vsftpd's anon_upload_enable without anon_mkdir_write_enable).</summary>
    UploadOnly = Write,

    All = Read | Write | Delete | Rename | MakeDirectory | List | Overwrite,
}
