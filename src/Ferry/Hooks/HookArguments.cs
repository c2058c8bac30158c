using System.Text.RegularExpressions;

namespace Ferry.Hooks;

/// <summary>
/// A command's arguments for one event. An argument that is exactly "{field}" (a name from
/// <see cref="HookFields"/>) is replaced by that field's value, whole: one argument in, one
/// argument out, whatever the value holds (spaces, quotes, "$(...)", a leading "-"), since the
/// process is started with an argument vector and no shell ever parses it. A field that does
/// not apply gives an empty argument. Nothing else is substituted or parsed.
/// </summary>
internal static partial class HookArguments
{
    public static IEnumerable<string> For(IReadOnlyList<string> arguments, HookEvent hookEvent)
    {
        foreach (var argument in arguments)
        {
            yield return Placeholder(argument) is { } field ? HookFields.Text(field, hookEvent) ?? string.Empty : argument;
        }
    }

    /// <summary>Null when the argument is usable; otherwise what is wrong with it.</summary>
    public static string? Problem(string argument)
    {
        if (argument.Length > 2 && argument[0] == '{' && argument[^1] == '}' && Placeholder(argument) is null)
        {
            return $"is not a field; placeholders are {string.Join(", ", HookFields.All.Select(field => "{" + field.Name + "}"))}.";
        }

        // "--file={path}" would look substituted and is not: say so rather than pass it literally.
        return Placeholder(argument) is null && EmbeddedPlaceholder().Matches(argument).Any(match => HookFields.Find(match.Groups[1].Value) is not null)
            ? "holds a placeholder inside other text; placeholders are replaced only as a whole argument (\"{path}\"), so pass \"--file\" and \"{path}\" as two arguments."
            : null;
    }

    private static HookFields.Field? Placeholder(string argument) =>
        argument.Length > 2 && argument[0] == '{' && argument[^1] == '}' ? HookFields.Find(argument[1..^1]) : null;

    [GeneratedRegex(@"\{([A-Za-z0-9]+)\}")]
    private static partial Regex EmbeddedPlaceholder();
}
