namespace Ferry.Server.Protocol.Listing;

/// <summary>
/// LIST/NLST (and STAT path) arguments split into `ls`-style options and a path. RFC 959 §4.1.3
/// defines only a pathname, but clients send `ls` options as Unix servers pass them to ls:
/// "LIST -a", "LIST -la /dir", "LIST -a PATH" (basic-ftp's default), "NLST -1" (ncftpls),
/// "LIST -CF". As vsftpd does, leading words made only of option letters and digits are options
/// and the rest is the path. Of the options only 'a'/'A' change what Ferry sends (dot files are
/// listed); the format is the verb's (LIST long, NLST names), so "-l", "-1", "-C" or "-F" change
/// nothing, and "-R" is not honoured (a recursive listing is unbounded work for one command;
/// vsftpd too ignores it unless ls_recurse_enable is set).
/// A file whose name looks like options is still reachable: "LIST -- -la" ("--" ends the options,
/// as getopt does), "LIST ./-la", or MLSD/MLST, which take their argument only as a path
/// (RFC 3659 §7.1). A word with any other character ("-x.txt") is a path.
/// </summary>
internal readonly record struct ListingOptions(bool ShowHidden, string Path)
{
    /// <summary>Longer words are taken as names: real option groups are short ("-laR", "-1a").</summary>
    private const int MaxOptionWordLength = 8;

    private const string EndOfOptions = "--";

    public static ListingOptions Parse(string argument)
    {
        var showHidden = false;
        var rest = argument;
        while (rest.StartsWith('-'))
        {
            var end = rest.IndexOf(' ');
            var word = end < 0 ? rest : rest[..end];
            var afterWord = end < 0 ? string.Empty : rest[(end + 1)..].TrimStart(' ');
            if (word == EndOfOptions)
            {
                rest = afterWord;
                break;
            }

            if (!IsOptionWord(word))
            {
                break;
            }

            showHidden |= word.Contains('a') || word.Contains('A');
            rest = afterWord;
        }

        return new ListingOptions(showHidden, rest);
    }

    private static bool IsOptionWord(string word)
    {
        if (word.Length < 2 || word.Length > MaxOptionWordLength)
        {
            return false;
        }

        foreach (var c in word.AsSpan(1))
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
