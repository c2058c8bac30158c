using System.Diagnostics.CodeAnalysis;

namespace Ferry.Users;

/// <summary>Reads one line of a user file, already split on ':'.</summary>
internal interface IUserLineParser
{
    /// <summary>False with a one-line <paramref name="problem"/> (no line number; the caller adds it) when the line is unusable.</summary>
    bool TryParse(int lineNumber, string[] fields, [NotNullWhen(true)] out ImportedUser? user, [NotNullWhen(false)] out string? problem);
}
