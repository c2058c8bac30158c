using System.Globalization;
using System.Security.Cryptography;

namespace Ferry.Server.Security;

/// <summary>
/// Salted PBKDF2-HMAC-SHA256 from the BCL, stored as <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>
/// (base64), so the cost travels with each hash and can be raised later without breaking
/// existing accounts.
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

    /// <summary>Constant-time comparison; a malformed stored hash never matches.</summary>
    public static bool Verify(string password, string stored)
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
