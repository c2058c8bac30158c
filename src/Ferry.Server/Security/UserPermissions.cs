namespace Ferry.Server.Security;

/// <summary>What a user may do; each FTP verb states the permission it needs in the command table.</summary>
[Flags]
public enum UserPermissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Delete = 4,
    Rename = 8,
    MakeDirectory = 16,
    List = 32,
    ReadOnly = Read | List,
    All = Read | Write | Delete | Rename | MakeDirectory | List,
}
