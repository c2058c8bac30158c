using System.Globalization;
using System.Security.Cryptography;

namespace Ferry.Server.Security;

/// <summary>
/// Salted PBKDF2-HMAC-SHA256 from the BCL, stored as <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>
/// (base64), so the cost travels with each hash and can be raised later without breaking
/// existing accounts. Imported accounts may instead hold a crypt(3) hash (<c>$6$...</c>,
/// <c>$y$...</c>, <c>$2b$...</c>), verified by <see cref="CryptPasswords"/>; new passwords are
/// always PBKDF2.
/// </summary>
public static class PasswordHasher
{
    /// <summary>
    /// 100,000 iterations cost about 30 ms on one core of the CI machine; OWASP's 2023 figure is
    /// 600,000. The default trades some of that for logins that stay fast under load.
    /// </summary>
    public const int DefaultIterations = 100_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture),
            Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>
    /// Constant-time comparison; a malformed stored hash never matches. Dispatches on the stored
    /// string: <c>pbkdf2-sha256$</c> here, <c>$</c> to crypt(3); anything else never matches,
    /// which covers shadow(5)'s markers for a locked account or no password (<c>!</c>, <c>*</c>,
    /// <c>!!</c>, <c>!$6$...</c>, empty) and traditional DES hashes.
    /// </summary>
    public static bool Verify(string password, string stored)
    {
        if (stored.StartsWith('$'))
        {
            return CryptPasswords.Verify(password, stored);
        }

        return VerifyPbkdf2(password, stored);
    }

    /// <summary>True for a string in this class's own format (whether or not it would match).</summary>
    public static bool IsPbkdf2(string stored) => stored.StartsWith(Scheme + "$", StringComparison.Ordinal);

    private static bool VerifyPbkdf2(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations <= 0)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
