using System.Buffers;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace Ferry.Server.Storage.Checksums;

/// <summary>Computes a checksum over bytes read from a stream, as lowercase hex (draft-bryan-ftpext-hash §3: "SHOULD be lowercase").</summary>
public static class FileChecksum
{
    /// <summary>Large enough that the per-read cost vanishes beside the hashing, small enough to pool.</summary>
    private const int BufferSize = 256 * 1024;

    /// <summary>
    /// Reads <paramref name="length"/> bytes from <paramref name="content"/> (already positioned)
    /// and returns their checksum; the stream ending early is an <see cref="EndOfStreamException"/>
    /// (the file shrank while it was read).
    /// </summary>
    public static async ValueTask<string> ComputeAsync(Stream content, ChecksumAlgorithm algorithm, long length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var hash = Create(algorithm);
        try
        {
            var remaining = length;
            while (remaining > 0)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException("The file ended before the range to checksum did.");
                }

                hash.Append(buffer.AsSpan(0, read));
                remaining -= read;
            }

            return hash.HexValue();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static IHasher Create(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Sha256 => new CryptographicHasher(IncrementalHash.CreateHash(HashAlgorithmName.SHA256)),
        ChecksumAlgorithm.Sha1 => new CryptographicHasher(IncrementalHash.CreateHash(HashAlgorithmName.SHA1)),
        ChecksumAlgorithm.Sha512 => new CryptographicHasher(IncrementalHash.CreateHash(HashAlgorithmName.SHA512)),
        ChecksumAlgorithm.Md5 => new CryptographicHasher(IncrementalHash.CreateHash(HashAlgorithmName.MD5)),
        ChecksumAlgorithm.Crc32 => new Crc32Hasher(),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    private interface IHasher : IDisposable
    {
        void Append(ReadOnlySpan<byte> data);

        string HexValue();
    }

    private sealed class CryptographicHasher(IncrementalHash hash) : IHasher
    {
        public void Append(ReadOnlySpan<byte> data) => hash.AppendData(data);

        public string HexValue() => Convert.ToHexStringLower(hash.GetHashAndReset());

        public void Dispose() => hash.Dispose();
    }

    /// <summary>
    /// CRC-32 (IEEE 802.3, as zlib and `crc32`) printed as the number, most significant byte first
    /// ("123456789" is cbf43926): System.IO.Hashing's byte form is little-endian, which no FTP
    /// client expects.
    /// </summary>
    private sealed class Crc32Hasher : IHasher
    {
        private readonly Crc32 _crc = new();

        public void Append(ReadOnlySpan<byte> data) => _crc.Append(data);

        public string HexValue() => _crc.GetCurrentHashAsUInt32().ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

        public void Dispose()
        {
        }
    }
}
