using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Ferry.Users;

/// <summary>
/// Pure-FTPd's <c>pureftpd.passwd</c> (README.Virtual-Users): <c>account:password:uid:gid:gecos:
/// home:upload bandwidth:download bandwidth:upload ratio:download ratio:max connections:files
/// quota:size quota:authorized local IPs:refused local IPs:authorized client IPs:refused client
/// IPs:time restrictions[:...]</c>. Account, password, uid, gid and home may not be empty. Ferry
/// takes the account, the hash and the home; the rest is not imported.
/// </summary>
internal sealed class PureFtpdLineParser : IUserLineParser
{
    /// <summary>account, password, uid, gid, gecos, home: the fields every line has.</summary>
    public const int MinimumFieldCount = 6;

    private const int HomeField = 5;

    // Authorized/refused local and client IPs, time restrictions: dropping them widens who can
    // log in and when, so each one that is set gets a warning.
    private static readonly (int Index, string Name)[] AccessRestrictions =
    [
        (13, "authorized local IPs"), (14, "refused local IPs"), (15, "authorized client IPs"),
        (16, "refused client IPs"), (17, "time restrictions"),
    ];

    public bool TryParse(int lineNumber, string[] fields, [NotNullWhen(true)] out ImportedUser? user, [NotNullWhen(false)] out string? problem)
    {
        user = null;
        if (fields.Length < MinimumFieldCount)
        {
            problem = $"a pureftpd.passwd line has at least {MinimumFieldCount} ':'-separated fields (account:password:uid:gid:gecos:home:...), this one has {fields.Length}";
            return false;
        }

        if (!uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            problem = $"uid and gid (fields 3 and 4) are numbers, not '{fields[2]}' and '{fields[3]}'";
            return false;
        }

        if (!ImportedPassword.TryRead(fields[1], out var password, out problem))
        {
            return false;
        }

        var home = JailedHome.FromHomeField(fields[HomeField]);
        if (home is null)
        {
            problem = $"the home '{fields[HomeField]}' (field 6) is not an absolute folder below '/'";
            return false;
        }

        var ignored = AccessRestrictions.Where(r => r.Index < fields.Length && fields[r.Index].Length > 0).Select(r => r.Name).ToList();
        var warnings = ignored.Count == 0
            ? []
            : new List<string> { $"Ferry does not import Pure-FTPd's {string.Join(", ", ignored)}: this account is no longer restricted by them" };
        user = new ImportedUser(lineNumber, fields[0], password.Hash, home, Permissions: null, password.Locked, password.Weak, warnings);
        return true;
    }
}
