using System.Security.Cryptography;

namespace Ferry.IntegrationTests.Support;

/// <summary>Random test files and byte-for-byte comparison of folder trees.</summary>
public static class FileTree
{
    public static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        RandomNumberGenerator.Fill(bytes);
        return bytes;
    }

    /// <summary>Writes a random file (creating its folder) and returns its bytes.</summary>
    public static byte[] WriteRandomFile(string path, int length)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = RandomBytes(length);
        File.WriteAllBytes(path, bytes);
        return bytes;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    public static string Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>
    /// Every entry under <paramref name="root"/> as "relative/path/" for folders and
    /// "relative/path SHA256" for files, sorted ordinally, so two trees compare with one Assert.Equal.
    /// </summary>
    public static IReadOnlyList<string> Snapshot(string root)
    {
        var entries = new List<string>();
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
            entries.Add(entry is DirectoryInfo ? relative + "/" : relative + " " + Sha256OfFile(entry.FullName));
        }

        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    /// <summary>
    /// A nested tree with spaces and UTF-8 names, random files of several sizes, an empty file
    /// and an empty folder.
    /// </summary>
    public static void CreateSampleTree(string root)
    {
        Directory.CreateDirectory(root);
        WriteRandomFile(Path.Combine(root, "top.bin"), 70_000);
        WriteRandomFile(Path.Combine(root, "with space", "a file.txt"), 1);
        WriteRandomFile(Path.Combine(root, "with space", "Grüße 日本.txt"), 4096);
        WriteRandomFile(Path.Combine(root, "deep", "er", "and deeper", "big.dat"), 1024 * 1024 + 17);
        WriteRandomFile(Path.Combine(root, "日本語", "ファイル.bin"), 12_345);
        File.WriteAllBytes(Path.Combine(root, "empty.txt"), []);
        Directory.CreateDirectory(Path.Combine(root, "empty dir"));
    }

    public static string NewTempFolder(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), "ferry-client-" + prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>A temp folder deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix) => Path = FileTree.NewTempFolder(prefix);

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose() => FileTree.DeleteQuietly(Path);
}
