using Ferry.Storage.S3;

namespace Ferry.Configuration;

/// <summary>
/// The "Storage" section: where users' files may live besides the local disk (issue 16). Each
/// entry of <see cref="S3"/> is an S3 profile; a user whose storage is "s3:NAME" keeps their files
/// in profile NAME. Local disk stays the default and needs nothing here.
/// </summary>
internal sealed class StorageSettings
{
    /// <summary>
    /// S3 profiles by name (Storage:S3:NAME:Bucket, ...); none by default. Names are matched
    /// ignoring case, as configuration keys are (FERRY_STORAGE__S3__PARTNERS__BUCKET and a file's
    /// "partners" are one profile).
    /// </summary>
    public Dictionary<string, S3StorageOptions> S3 { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True for a profile name a user's storage can spell: 1-64 letters, digits, '-' and '_'.</summary>
    public static bool IsValidProfileName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>One line per mistake, each naming the key (without the "Storage:" the caller adds).</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var (name, profile) in S3.OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (!IsValidProfileName(name))
            {
                yield return $"S3:{name}: '{name}' is not a profile name: 1-64 letters, digits, '-' or '_' (a user names it as s3:NAME).";
                continue;
            }

            if (profile is null)
            {
                yield return $"S3:{name}: must be a group of settings (Bucket, Endpoint, ...).";
                continue;
            }

            foreach (var problem in profile.Validate())
            {
                yield return $"S3:{name}:{problem}";
            }
        }
    }
}
