namespace Ferry.Server.Security;

/// <summary>A machine account as the password database (getpwnam(3)) describes it.</summary>
/// <param name="Name">The login name.</param>
/// <param name="Uid">Its user id.</param>
/// <param name="Gid">Its primary group id.</param>
/// <param name="Home">Its home directory, the FTP jail of a system-account login.</param>
public sealed record SystemAccount(string Name, uint Uid, uint Gid, string Home);
