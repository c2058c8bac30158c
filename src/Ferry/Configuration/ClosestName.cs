namespace Ferry.Configuration;

/// <summary>
/// "Did you mean ...?" for misspelt settings and options: the known name nearest to what was
/// typed, ignoring case, by optimal string alignment distance (Damerau-Levenshtein where a swap
/// of two neighbouring letters, "prot" for "port", counts as one edit).
/// </summary>
internal static class ClosestName
{
    /// <summary>At most two edits, as git's and System.CommandLine's suggestions allow; more is a different word.</summary>
    private const int MaxDistance = 2;

    /// <summary>The nearest of <paramref name="known"/>, or null when none is within two edits (and half the typed length).</summary>
    public static string? Find(string typed, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(known);

        // Half the length too: for short words two edits would turn anything into anything.
        var limit = Math.Min(MaxDistance, Math.Max(1, typed.Length / 2));
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in known)
        {
            var distance = Distance(typed.ToUpperInvariant(), name.ToUpperInvariant());
            if (distance <= limit && distance < bestDistance)
            {
                best = name;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
