using System.Diagnostics.CodeAnalysis;
using Ferry.Server.Security;

namespace Ferry.Users;

/// <summary>
/// What a password field of a user file holds: a hash Ferry can verify (crypt(3) or its own
/// PBKDF2), or shadow(5)'s way of saying the account is locked or has no password.
/// </summary>
/// <param name="Hash">What goes into the store: the hash itself, or the lock marker (which never matches).</param>
/// <param name="Locked">The source system refused this account's logins.</param>
/// <param name="Weak">A method that is quick to crack offline (MD5-crypt and the like): imported for migration, to be replaced.</param>
internal sealed record ImportedPassword(string Hash, bool Locked, bool Weak)
{
    // Methods that libcrypt still verifies but that fall to a GPU in hours: md5crypt ($1$, the
    // old Linux and Pure-FTPd default), Sun MD5, NetBSD's sha1crypt, the NT hash.
    private static readonly string[] WeakPrefixes = ["$1$", "$md5", "$sha1$", "$3$"];

    public static bool TryRead(string field, [NotNullWhen(true)] out ImportedPassword? password, [NotNullWhen(false)] out string? problem)
    {
        problem = null;

        // shadow(5): empty is "no password" (which Ferry never allows: no match); "*" (and
        // Solaris' "*LK*") locks the account.
        if (field.Length == 0 || field[0] == '*')
        {
            password = new ImportedPassword(field, Locked: true, Weak: false);
            return true;
        }

        // "!" locks too (useradd's "!!" included). In front of a real hash it is `passwd -l` /
        // `usermod -L`: unlockable with the same password, so keep the hash and import the account
        // disabled; `ferry user enable` unlocks it. Anything else behind "!" stays a marker.
        if (field[0] == '!')
        {
            password = TryRead(field[1..], out var inner, out _) && !inner.Locked
                ? inner with { Locked = true }
                : new ImportedPassword(field, Locked: true, Weak: false);
            return true;
        }

        if (PasswordHasher.IsPbkdf2(field))
        {
            password = new ImportedPassword(field, Locked: false, Weak: false);
            return true;
        }

        if (field[0] == '$' && CryptPasswords.IsKnownMethod(field))
        {
            var weak = WeakPrefixes.Any(prefix => field.StartsWith(prefix, StringComparison.Ordinal));
            password = new ImportedPassword(field, Locked: false, Weak: weak);
            return true;
        }

        password = null;
        problem = field[0] == '$'
            ? $"the password hash method '{MethodOf(field)}' is not one this system's libcrypt verifies"
                + (CryptPasswords.IsAvailable ? string.Empty : " (libcrypt.so.1 is not installed)")
            : "the password field is not a supported hash ($6$, $5$, $y$, $2b$, $7$, $1$ crypt(3) or pbkdf2-sha256$; traditional DES and plain text are refused)";
        return false;
    }

    /// <summary>"$6$" from "$6$salt$hash": names the method without echoing the hash.</summary>
    public static string MethodOf(string hash)
    {
        var end = hash.IndexOf('$', 1);
        return end < 0 ? hash[..Math.Min(hash.Length, 8)] : hash[..(end + 1)];
    }
}
