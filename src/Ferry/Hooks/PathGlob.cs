using System.Text;
using System.Text.RegularExpressions;

namespace Ferry.Hooks;

/// <summary>
/// A path pattern of a hook's Paths filter, matched against the path as the user sees it (from
/// the user's root, "/incoming/2026/a.csv"): "*" is any run of characters within one folder
/// name, "**" any run across folders ("/**/" also matches a single "/"), "?" one character
/// other than "/"; everything else is literal and case-sensitive, as Linux file names are.
/// Compiled to a non-backtracking regular expression, so a pattern costs linear time per path.
/// </summary>
internal sealed class PathGlob
{
    private readonly Regex _regex;

    public PathGlob(string pattern)
    {
        Pattern = pattern;
        _regex = new Regex(ToRegex(pattern), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }

    public string Pattern { get; }

    public bool IsMatch(string path) => _regex.IsMatch(path);

    /// <summary>Null when <paramref name="pattern"/> is usable; otherwise what is wrong with it.</summary>
    public static string? Problem(string? pattern) =>
        string.IsNullOrEmpty(pattern) || pattern[0] != '/'
            ? "must start with / (paths are matched from the user's root), e.g. /incoming/**/*.csv."
            : null;

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var index = 0; index < pattern.Length; index++)
        {
            var c = pattern[index];
            if (c == '*' && index + 1 < pattern.Length && pattern[index + 1] == '*')
            {
                index++;
                if (index + 1 < pattern.Length && pattern[index + 1] == '/')
                {
                    // "/**/x" matches "/x" as well as "/a/b/x".
                    index++;
                    regex.Append("(?:.*/)?");
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.Append('$').ToString();
    }
}
