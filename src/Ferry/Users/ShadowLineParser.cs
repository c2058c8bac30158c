using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Ferry.Users;

/// <summary>
/// shadow(5) lines: <c>name:hash:lastchg:min:max:warn:inactive:expire:reserved</c>, as in
/// <c>/etc/shadow</c> (the accounts vsftpd and ProFTPD log in through PAM). Shadow has no home
/// folder: it comes from a passwd(5) file given alongside, or from `--home-base`.
/// </summary>
internal sealed class ShadowLineParser : IUserLineParser
{
    public const int FieldCount = 9;

    private readonly IReadOnlyDictionary<string, string>? _passwdHomes;
    private readonly long _today;

    /// <param name="passwdHomes">Home field (6) of passwd(5) by user name, or null when homes come from elsewhere.</param>
    /// <param name="today">Days since 1970-01-01 (UTC), the unit of the expire field.</param>
    public ShadowLineParser(IReadOnlyDictionary<string, string>? passwdHomes, long today)
    {
        _passwdHomes = passwdHomes;
        _today = today;
    }

    public bool TryParse(int lineNumber, string[] fields, [NotNullWhen(true)] out ImportedUser? user, [NotNullWhen(false)] out string? problem)
    {
        user = null;
        if (fields.Length != FieldCount)
        {
            problem = $"a shadow line has {FieldCount} ':'-separated fields, this one has {fields.Length}";
            return false;
        }

        // Fields 3-8 are day counts or empty; anything else means this is not a shadow line.
        var days = new long?[FieldCount];
        for (var index = 2; index < 8; index++)
        {
            if (fields[index].Length == 0)
            {
                continue;
            }

            if (!long.TryParse(fields[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                problem = $"field {index + 1} of a shadow line is a number of days or empty, not '{fields[index]}'";
                return false;
            }

            days[index] = value;
        }

        if (!ImportedPassword.TryRead(fields[1], out var password, out problem))
        {
            return false;
        }

        string? home = null;
        if (_passwdHomes is not null)
        {
            if (!_passwdHomes.TryGetValue(fields[0], out var passwdHome))
            {
                problem = $"user '{fields[0]}' is not in the passwd file, so it has no home";
                return false;
            }

            home = JailedHome.FromHomeField(passwdHome);
            if (home is null)
            {
                problem = $"the home '{passwdHome}' of user '{fields[0]}' in the passwd file is not an absolute folder below '/'";
                return false;
            }
        }

        // Field 8: the account expired at the start of that day (shadow(5)); migrating it must
        // not bring it back to life. Password ageing (fields 3-7) has no Ferry equivalent.
        var warnings = new List<string>();
        var expired = days[7] is { } expire && expire <= _today;
        if (expired)
        {
            warnings.Add($"the account expired (day {days[7]} of shadow's field 8); imported disabled");
        }

        user = new ImportedUser(lineNumber, fields[0], password.Hash, home, Permissions: null, password.Locked || expired, password.Weak, warnings);
        return true;
    }
}
