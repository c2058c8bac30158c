using System.Diagnostics;
using Ferry.Server.Security;

namespace Ferry.Server.Tests.Unit;

/// <summary>
/// crypt(3) hashes verified through libcrypt. Every hash here comes from a tool other than Ferry:
/// `openssl passwd` (run live, and as literals it printed once), Ulrich Drepper's SHA-crypt
/// specification, the yescrypt reference TESTS-OK file and Openwall's crypt_blowfish tests.
/// </summary>
public sealed class CryptPasswordTests
{
    private const string Password = "correct horse battery";

    /// <summary>`openssl passwd -6|-5|-1 -salt Kp3vQ9zTw1 'correct horse battery'` (OpenSSL 3.0; -1 keeps 8 salt characters).</summary>
    [Theory]
    [InlineData("$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW.")]
    [InlineData("$5$Kp3vQ9zTw1$IiLW4qRF425/qdJob4vPbvEEf5QFaREPAOGkr6bcvi2")]
    [InlineData("$1$Kp3vQ9zT$lFtBD7ulk/jh8Uu8yW5hC1")]
    public void Openssl_passwd_hashes_match_their_password_only(string stored)
    {
        Assert.True(PasswordHasher.Verify(Password, stored));
        Assert.False(PasswordHasher.Verify("correct horse batterY", stored));
        Assert.False(PasswordHasher.Verify(Password + " ", stored));
        Assert.False(PasswordHasher.Verify(string.Empty, stored));
    }

    [Theory]
    [InlineData("-6")]
    [InlineData("-5")]
    [InlineData("-1")]
    public async Task Hashes_openssl_makes_now_with_a_random_salt_verify(string algorithm)
    {
        var salt = Guid.NewGuid().ToString("N")[..8];
        var stored = await OpensslPasswdAsync(algorithm, salt, "pässwörd ünïcode: x");
        Assert.True(PasswordHasher.Verify("pässwörd ünïcode: x", stored), stored);
        Assert.False(PasswordHasher.Verify("passwörd ünïcode: x", stored), stored);
    }

    /// <summary>Drepper, "Unix crypt using SHA-256 and SHA-512" (2008), test vectors with <c>rounds=</c>.</summary>
    [Theory]
    [InlineData("Hello world!", "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.")]
    [InlineData("Hello world!", "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA")]
    [InlineData("a very much longer text to encrypt.  This one even stretches over morethan one line.", "$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1")]
    [InlineData("Hello world!", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1")]
    public void Sha_crypt_specification_vectors_verify(string password, string stored)
    {
        Assert.True(PasswordHasher.Verify(password, stored));
        Assert.False(PasswordHasher.Verify(password.ToUpperInvariant(), stored));
    }

    /// <summary>
    /// yescrypt: the first hash of the reference implementation's TESTS-OK (openwall/yescrypt);
    /// scrypt ($7$, what `pure-pw` writes by default): the "SodiumChloride" vector of Colin
    /// Percival's scrypt format, as in libsodium's tests; bcrypt: crypt_blowfish's "U*U" vector
    /// (Openwall), the same hash under each of the $2a$/$2b$/$2y$ prefixes, which agree for this
    /// ASCII password.
    /// </summary>
    [Theory]
    [InlineData("pleaseletmein", "$y$jD5.7$LdJMENpBABJJ3hIHjB1Bi.$HboGM6qPrsK.StKYGt6KErmUYtioHreJd98oIugoNB6")]
    [InlineData("pleaseletmein", "$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D")]
    [InlineData("U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")]
    [InlineData("U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")]
    [InlineData("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")]
    public void Yescrypt_scrypt_and_bcrypt_reference_vectors_verify(string password, string stored)
    {
        Assert.True(PasswordHasher.Verify(password, stored));
        Assert.False(PasswordHasher.Verify(password + "x", stored));
        Assert.False(PasswordHasher.Verify("U*V", stored));
    }

    /// <summary>A stored string that is not a whole hash libcrypt would produce never matches, and never throws.</summary>
    [Theory]
    [InlineData("$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW")] // last character cut
    [InlineData("$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW.x")] // one too many
    [InlineData("$6$Kp3vQ9zTw1$")] // the setting alone: crypt returns setting + hash
    [InlineData("$6$Kp3vQ9zTw1")]
    [InlineData("$6$")]
    [InlineData("$")]
    [InlineData("$9$Kp3vQ9zTw1$abc")] // no such method
    [InlineData("$zz$abc")]
    [InlineData("$gy$x")] // a known method with a setting libcrypt refuses (NULL)
    [InlineData("$6$rounds=10$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.")] // libxcrypt refuses rounds < 1000 ("*0")
    [InlineData("$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW.\n")]
    [InlineData("$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW.\0")]
    [InlineData("$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW.\u00e9")]
    public void Malformed_or_unknown_crypt_strings_never_match(string stored)
    {
        Assert.False(PasswordHasher.Verify(Password, stored));
        Assert.False(PasswordHasher.Verify(string.Empty, stored));
    }

    /// <summary>shadow(5): "!" or "*" (and "!!" from useradd) lock an account; "!" before a hash locks it too; empty means no password.</summary>
    [Theory]
    [InlineData("!")]
    [InlineData("*")]
    [InlineData("!!")]
    [InlineData("")]
    [InlineData("!$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW.")]
    [InlineData("*LK*")]
    [InlineData("abJnggxhB/yWI")] // traditional DES: not a $-hash, never verified
    [InlineData("correct horse battery")] // a plain-text "hash" must not be a password
    public void Locked_empty_and_non_crypt_markers_never_match(string stored)
    {
        Assert.False(PasswordHasher.Verify(Password, stored));
        Assert.False(PasswordHasher.Verify(string.Empty, stored));
        Assert.False(PasswordHasher.Verify(stored, stored));
    }

    [Fact]
    public void A_password_with_a_nul_does_not_match_its_prefix()
    {
        const string stored = "$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW.";
        Assert.False(PasswordHasher.Verify(Password + "\0tail", stored));
    }

    [Fact]
    public void A_passphrase_longer_than_libcrypt_takes_is_no_match_not_an_error()
    {
        Assert.False(PasswordHasher.Verify(new string('a', 100_000), "$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW."));
    }

    [Fact]
    public void Pbkdf2_hashes_still_verify_beside_crypt()
    {
        var stored = PasswordHasher.Hash(Password, iterations: 1_000);
        Assert.True(PasswordHasher.IsPbkdf2(stored));
        Assert.True(PasswordHasher.Verify(Password, stored));
        Assert.False(PasswordHasher.Verify("nope", stored));
    }

    /// <summary>crypt_rn with its own buffer per call: many threads at once get every answer right (the static buffer of crypt(3) would mix them).</summary>
    [Fact]
    public async Task Concurrent_verifications_do_not_mix_results()
    {
        const string sha512 = "$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW.";
        const string md5 = "$1$Kp3vQ9zT$lFtBD7ulk/jh8Uu8yW5hC1";
        var results = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() =>
        {
            var stored = i % 2 == 0 ? sha512 : md5;
            var right = i % 3 != 0;
            return PasswordHasher.Verify(right ? Password : "wrong " + i, stored) == right;
        })));
        Assert.All(results, Assert.True);
    }

    [Theory]
    [InlineData("$6$Kp3vQ9zTw1$05nw4iubBpdYXmaXvIylSH1HKnkjURDQnDiDetbBNUvofIJEBJnd51pJ/igIl3UWDm/OHp1atvTio/1z2DlaW.", true)]
    [InlineData("$y$jD5.7$LdJMENpBABJJ3hIHjB1Bi.$HboGM6qPrsK.StKYGt6KErmUYtioHreJd98oIugoNB6", true)]
    [InlineData("$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", true)]
    [InlineData("$1$Kp3vQ9zT$lFtBD7ulk/jh8Uu8yW5hC1", true)]
    [InlineData("$5$Kp3vQ9zTw1$IiLW4qRF425/qdJob4vPbvEEf5QFaREPAOGkr6bcvi2", true)]
    [InlineData("$9$abc", false)]
    [InlineData("!", false)]
    [InlineData("", false)]
    public void Known_methods_are_told_from_unknown_ones(string stored, bool known)
    {
        Assert.True(CryptPasswords.IsAvailable);
        Assert.Equal(known, CryptPasswords.IsKnownMethod(stored));
    }

    private static async Task<string> OpensslPasswdAsync(string algorithm, string salt, string password)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "passwd", algorithm, "-salt", salt, password })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        return output.Trim();
    }
}
