namespace Ferry.Users;

/// <summary>
/// `--format auto`: tells the format from the first account line's fields. A pureftpd.passwd
/// line has at least 6 fields and an absolute home in the 6th; a shadow line exactly 9, with a
/// number or nothing in the 6th (the warning period); a Ferry line 3 or 4.
/// </summary>
internal static class UserFileFormatDetector
{
    public static UserFileFormat? Detect(string[] fields) => fields.Length switch
    {
        >= FerryLineParser.MinimumFieldCount and <= FerryLineParser.MaximumFieldCount => UserFileFormat.Ferry,
        >= PureFtpdLineParser.MinimumFieldCount when fields[5].StartsWith('/') => UserFileFormat.PureFtpd,
        ShadowLineParser.FieldCount => UserFileFormat.Shadow,
        _ => null,
    };
}
