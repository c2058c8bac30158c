using System.Globalization;
using System.Text.Json;

namespace Ferry.Commands;

/// <summary>How the admin commands print what the API returns: plain columns for people, or the JSON itself with --json for scripts.</summary>
internal static class AdminText
{
    public static string String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "-" : "-";

    public static long Number(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    public static double Real(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    public static bool Flag(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>1536 → "1.5 KiB": sizes people read at a glance.</summary>
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B") : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {units[unit]}");
    }

    /// <summary>An ISO 8601 time from the API as local "yyyy-MM-dd HH:mm:ss", or "-".</summary>
    public static string Time(JsonElement item, string name) =>
        DateTimeOffset.TryParse(String(item, name), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : "-";

    /// <summary>Rows as left-aligned columns, each as wide as its widest cell.</summary>
    public static void Table(IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        List<string[]> all = [[.. header], .. rows];
        var widths = new int[header.Count];
        foreach (var row in all)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in all)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Json(JsonElement element) => Console.WriteLine(JsonSerializer.Serialize(element, Indented));
}
