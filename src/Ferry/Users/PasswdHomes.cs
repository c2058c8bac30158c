namespace Ferry.Users;

/// <summary>
/// passwd(5) files (<c>name:password:uid:gid:gecos:home:shell</c>), read only for the home
/// (field 6) of each user, to go with a shadow file that has none.
/// </summary>
internal static class PasswdHomes
{
    private const int HomeField = 5;

    /// <summary>Home by user name; lines that are blank, comments or too short are passed over (the shadow line then reports the missing home).</summary>
    public static IReadOnlyDictionary<string, string> Read(IEnumerable<string> lines)
    {
        var homes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var fields = line.Split(':');
            if (line.StartsWith('#') || fields.Length <= HomeField)
            {
                continue;
            }

            // The first entry wins, as getpwnam(3) returns the first match.
            homes.TryAdd(fields[0], fields[HomeField]);
        }

        return homes;
    }
}
