namespace Ferry.Server.Storage.Checksums;

/// <summary>The checksums HASH (draft-bryan-ftpext-hash) and the X* commands compute.</summary>
public enum ChecksumAlgorithm
{
    Sha256,
    Sha1,
    Sha512,
    Md5,
    Crc32,
}

/// <summary>The names HASH uses for <see cref="ChecksumAlgorithm"/>.</summary>
public static class ChecksumAlgorithms
{
    /// <summary>In FEAT order: SHA-256 first, the default (draft-bryan-ftpext-hash §5: none weaker than SHA-1 is the default).</summary>
    public static IReadOnlyList<ChecksumAlgorithm> All { get; } =
        [ChecksumAlgorithm.Sha256, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha512, ChecksumAlgorithm.Md5, ChecksumAlgorithm.Crc32];

    /// <summary>
    /// The IANA "Hash Function Textual Names" (draft-bryan-ftpext-hash §3.1); CRC32 has none there
    /// and is spelled as ProFTPD's mod_digest and FileZilla do.
    /// </summary>
    public static string Name(this ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Sha256 => "SHA-256",
        ChecksumAlgorithm.Sha1 => "SHA-1",
        ChecksumAlgorithm.Sha512 => "SHA-512",
        ChecksumAlgorithm.Md5 => "MD5",
        ChecksumAlgorithm.Crc32 => "CRC32",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Names compare case-insensitively (draft-bryan-ftpext-hash §3.1).</summary>
    public static bool TryParse(string name, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name, StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }

        algorithm = default;
        return false;
    }
}
