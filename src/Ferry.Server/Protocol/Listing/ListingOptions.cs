namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// LIST/NLST arguments split into `ls`-style options and a path. Clients send "LIST -a", "LIST -la
/// /dir" or "LIST -a PATH" (basic-ftp's default); an argument that starts with '-' is taken as
/// options only when it is a short run of letters, so a file really named "-x.txt" still works
/// when given after the options.
/// </summary>
internal readonly record struct ListingOptions(bool ShowHidden, string Path)
{
    public static ListingOptions Parse(string argument)
    {
        var showHidden = false;
        var rest = argument;
        while (rest.StartsWith('-'))
        {
            var end = rest.IndexOf(' ');
            var token = end < 0 ? rest : rest[..end];
            if (token.Length < 2 || token.Length > 8 || !token.AsSpan(1).ContainsOnlyLetters())
            {
                break;
            }

            showHidden |= token.Contains('a') || token.Contains('A');
            rest = end < 0 ? string.Empty : rest[(end + 1)..].TrimStart(' ');
        }

        return new ListingOptions(showHidden, rest);
    }
}

file static class SpanLetters
{
    public static bool ContainsOnlyLetters(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}
