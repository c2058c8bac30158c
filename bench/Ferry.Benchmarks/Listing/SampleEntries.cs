using Ferry.Server.Storage;

namespace Ferry.Benchmarks.Listing;

/// <summary>
/// A directory as a release mirror or a photo dump looks: mostly files, one in ten a folder,
/// names of 10-40 characters with some UTF-8, sizes from bytes to gigabytes, modification times
/// both within and beyond GNU ls's six-month window (the two LIST date forms).
/// </summary>
public static class SampleEntries
{
    public static readonly DateTime NowUtc = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static readonly string[] Stems = ["ferry-release", "IMG", "Отчёт квартальный", "backup.tar", "写真", "notes with spaces", "café-menü"];

    public static FileSystemEntry[] Create(int count)
    {
        var random = new Random(6);
        var entries = new FileSystemEntry[count];
        for (var i = 0; i < count; i++)
        {
            var isDirectory = i % 10 == 0;
            var name = isDirectory ? $"{Stems[i % Stems.Length]}-{i}" : $"{Stems[i % Stems.Length]}_{i:D5}.{(i % 3 == 0 ? "jpg" : "gz")}";
            var size = isDirectory ? 0 : (long)Math.Pow(10, random.NextDouble() * 9.5);
            var modified = NowUtc.AddDays(-random.Next(0, 400)).AddSeconds(-random.Next(0, 86_400));
            var mode = isDirectory ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100;
            // Device 0xfe01 and an inode per entry: what the local backend gives.
            entries[i] = new FileSystemEntry(name, isDirectory, size, modified, mode, new UInt128(0xfe01, (ulong)random.NextInt64()));
        }

        return entries;
    }
}
