namespace Ferry.Server.Security;

/// <summary>
/// /etc/ftpusers: one account name per line, blank lines and "#" comments ignored, no other
/// syntax (ftpusers(5)). A missing file lists nobody; a file that exists but cannot be read
/// denies everyone, since failing open would let root in.
/// </summary>
internal static class DenyFile
{
    public static bool Lists(string path, string name)
    {
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(path).ToList();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }

        return Parse(lines).Contains(name);
    }

    public static HashSet<string> Parse(IEnumerable<string> lines)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            var name = (hash >= 0 ? line[..hash] : line).Trim();
            if (name.Length > 0)
            {
                names.Add(name);
            }
        }

        return names;
    }
}
