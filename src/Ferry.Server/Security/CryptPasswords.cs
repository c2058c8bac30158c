using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Server.Security;

/// <summary>
/// Verifies crypt(3) hashes (<c>$6$</c> SHA-512, <c>$5$</c> SHA-256, <c>$y$</c> yescrypt, <c>$2b$</c>
/// bcrypt, <c>$7$</c> scrypt, <c>$1$</c> MD5, ...) with the system's libcrypt (libxcrypt on Debian),
/// so accounts from <c>/etc/shadow</c>, vsftpd/PAM set-ups and Pure-FTPd keep their passwords.
/// Verify-only: Ferry hashes new passwords with PBKDF2 (<see cref="PasswordHasher"/>).
/// </summary>
/// <remarks>
/// Uses <c>crypt_rn</c>, which works in a caller-supplied <c>struct crypt_data</c> and returns NULL on
/// failure, never the non-reentrant <c>crypt</c> with its static buffer (not thread-safe, and logins
/// verify on many threads at once). Each call gets its own zeroed buffer, wiped afterwards because
/// libcrypt copies the passphrase into it.
/// </remarks>
internal static unsafe partial class CryptPasswords
{
    private const string LibCrypt = "libcrypt.so.1";

    /// <summary><c>sizeof(struct crypt_data)</c> in libxcrypt's crypt.h (4.x); crypt_rn refuses a smaller buffer (NULL, ERANGE).</summary>
    private const int CryptDataSize = 32768;

    /// <summary>CRYPT_OUTPUT_SIZE in crypt.h: the longest hash string libcrypt produces, NUL included.</summary>
    private const int CryptOutputSize = 384;

    /// <summary>CRYPT_MAX_PASSPHRASE_SIZE in crypt.h: longer passphrases make crypt_rn fail.</summary>
    private const int MaxPassphraseBytes = 512;

    // crypt_checksalt(3) results (crypt.h).
    private const int SaltOk = 0;
    private const int SaltMethodLegacy = 3;

    private static readonly Lazy<bool> Available = new(Probe);

    /// <summary>False when libcrypt.so.1 cannot be loaded (then no crypt hash ever matches).</summary>
    public static bool IsAvailable => Available.Value;

    /// <summary>
    /// True when <paramref name="password"/> hashes to exactly <paramref name="stored"/>. Anything
    /// libcrypt cannot hash (unknown prefix, malformed setting, a failure token, no libcrypt) is
    /// simply no match, never an exception.
    /// </summary>
    public static bool Verify(string password, string stored)
    {
        // A setting with a NUL, a non-ASCII byte or over libcrypt's output size can never be a
        // hash libcrypt produced. A password with a NUL would be cut short by the C string.
        if (stored.Length is 0 or >= CryptOutputSize || stored[0] != '$' || !IsPrintableAscii(stored)
            || password.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var passphrase = new byte[Encoding.UTF8.GetByteCount(password) + 1];
        var setting = new byte[stored.Length + 1];
        Encoding.UTF8.GetBytes(password, passphrase);
        Encoding.ASCII.GetBytes(stored, setting);
        try
        {
            return passphrase.Length <= MaxPassphraseBytes && HashMatches(passphrase, setting);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passphrase);
        }
    }

    /// <summary>
    /// Whether this libcrypt knows the method a stored hash names (its prefix and parameters;
    /// crypt_checksalt does not check the hash part itself). For <c>ferry user import</c>, which
    /// refuses hashes that could never match.
    /// </summary>
    public static bool IsKnownMethod(string stored)
    {
        if (stored.Length is 0 or >= CryptOutputSize || stored[0] != '$' || !IsPrintableAscii(stored) || !IsAvailable)
        {
            return false;
        }

        var setting = new byte[stored.Length + 1];
        Encoding.ASCII.GetBytes(stored, setting);
        try
        {
            fixed (byte* settingPointer = setting)
            {
                // LEGACY is still a working method here (Debian's libxcrypt rates $5$ and $1$ so);
                // how weak a method is, the import decides by its own list.
                return crypt_checksalt(settingPointer) is SaltOk or SaltMethodLegacy;
            }
        }
        catch (EntryPointNotFoundException)
        {
            // A libcrypt older than libxcrypt 4.3 cannot tell; let the login decide.
            return true;
        }
    }

    private static bool HashMatches(byte[] passphrase, byte[] setting)
    {
        var data = NativeMemory.AllocZeroed(CryptDataSize);
        try
        {
            byte* output;
            fixed (byte* phrasePointer = passphrase)
            fixed (byte* settingPointer = setting)
            {
                output = crypt_rn(phrasePointer, settingPointer, data, CryptDataSize);
            }

            if (output is null)
            {
                return false;
            }

            // The result lives inside `data` (crypt_data.output): read it only within that
            // buffer and within CRYPT_OUTPUT_SIZE, so a missing NUL cannot run past it. Old
            // libcrypts report failure as "*0"/"*1" rather than NULL; '*' never starts a stored
            // crypt hash here, so such a token cannot match, but say so plainly.
            var offset = output - (byte*)data;
            if (offset < 0 || offset >= CryptDataSize)
            {
                return false;
            }

            var window = new ReadOnlySpan<byte>(output, (int)Math.Min(CryptOutputSize, CryptDataSize - offset));
            var length = window.IndexOf((byte)0);
            if (length <= 0 || window[0] == (byte)'*')
            {
                return false;
            }

            // Constant time over the hash part; the lengths are the setting's, not secret.
            return CryptographicOperations.FixedTimeEquals(window[..length], setting.AsSpan(0, setting.Length - 1));
        }
        finally
        {
            NativeMemory.Clear(data, CryptDataSize);
            NativeMemory.Free(data);
        }
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static bool Probe()
    {
        try
        {
            return NativeLibrary.TryLoad(LibCrypt, typeof(CryptPasswords).Assembly, null, out _);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary><c>char *crypt_rn(const char *phrase, const char *setting, void *data, int size)</c>: reentrant, NULL on failure.</summary>
    [LibraryImport(LibCrypt)]
    private static partial byte* crypt_rn(byte* phrase, byte* setting, void* data, int size);

    /// <summary><c>int crypt_checksalt(const char *setting)</c> (libxcrypt 4.3 and later).</summary>
    [LibraryImport(LibCrypt)]
    private static partial int crypt_checksalt(byte* setting);
}
