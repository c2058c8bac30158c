using Ferry.Server.Security;

namespace Ferry.Users;

/// <summary>One account read from a user file, before it meets the store.</summary>
/// <param name="LineNumber">Where it was read (1-based), for every message about it.</param>
/// <param name="Name">The login name, as in the file.</param>
/// <param name="PasswordHash">The hash as stored (a crypt(3) or PBKDF2 string, or a lock marker that never matches).</param>
/// <param name="HomeDirectory">The user's root (the jail), absolute; null when the file has none (shadow) and the command must supply one.</param>
/// <param name="Permissions">What the file grants; null when its format says nothing (new users get all, updated ones keep theirs).</param>
/// <param name="Disabled">Locked or expired in the source system: imported, but logins refused.</param>
/// <param name="WeakHash">The hash method is quick to crack (MD5-crypt and the like): imported for migration, to be replaced.</param>
/// <param name="Warnings">Things worth telling the operator (a weak hash, source restrictions Ferry does not carry over).</param>
internal sealed record ImportedUser(
    int LineNumber,
    string Name,
    string PasswordHash,
    string? HomeDirectory,
    UserPermissions? Permissions,
    bool Disabled,
    bool WeakHash,
    IReadOnlyList<string> Warnings);
