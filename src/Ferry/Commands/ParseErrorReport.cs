using System.CommandLine;
using System.CommandLine.Parsing;
using Ferry.Configuration;

namespace Ferry.Commands;

/// <summary>
/// A command line that does not parse, told in one line: System.CommandLine's own report prints
/// every error and then the whole help, and names .NET types ("Nullable`1[System.Int32]"); a
/// script's log wants the one mistake, the nearest right spelling and where help is.
/// </summary>
internal static class ParseErrorReport
{
    /// <summary>The one line to print, without the "ferry: " prefix; null when the line parsed.</summary>
    public static string? Describe(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Errors.Count == 0)
        {
            return null;
        }

        var commandResult = result.CommandResult;
        var seeHelp = $"; see {CommandPath(commandResult)} --help";
        var unknownOption = result.UnmatchedTokens.FirstOrDefault(token => token.StartsWith('-'));
        if (unknownOption is not null)
        {
            var name = unknownOption.Split('=', 2)[0];
            return $"unknown option {name}{DidYouMean(ClosestName.Find(name, OptionNames(commandResult)))}{seeHelp}";
        }

        if (result.UnmatchedTokens.Count > 0 && result.UnmatchedTokens[0] is var extra)
        {
            var subcommands = commandResult.Command.Subcommands.Where(command => !command.Hidden).Select(command => command.Name).ToList();
            return subcommands.Count > 0 && commandResult.Command.Arguments.Count == 0
                ? $"unknown command '{extra}'{DidYouMean(ClosestName.Find(extra, subcommands))}{seeHelp}"
                : $"unexpected argument '{extra}'{seeHelp}";
        }

        // Errors our own parsers add (see PortParser) are whole sentences already.
        var error = result.Errors[0];
        return error.SymbolResult is ArgumentResult or OptionResult && error.Message.StartsWith("--", StringComparison.Ordinal)
            ? error.Message
            : error.Message.TrimEnd('.') + seeHelp;
    }

    /// <summary>"ferry user add": the root's name is the file the runtime started, so it is spelt out.</summary>
    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? current = command; current is not null; current = current.Parent)
        {
            if (current is CommandResult { Command: var symbol })
            {
                names.Insert(0, symbol is RootCommand ? "ferry" : symbol.Name);
            }
        }

        return string.Join(' ', names);
    }

    /// <summary>The options valid here: the command's own and its ancestors' recursive ones, with aliases.</summary>
    private static IEnumerable<string> OptionNames(CommandResult command)
    {
        var own = true;
        for (SymbolResult? current = command; current is not null; current = current.Parent)
        {
            if (current is CommandResult { Command: var symbol })
            {
                foreach (var option in symbol.Options.Where(option => !option.Hidden && (own || option.Recursive)))
                {
                    yield return option.Name;
                    foreach (var alias in option.Aliases)
                    {
                        yield return alias;
                    }
                }

                own = false;
            }
        }
    }

    private static string DidYouMean(string? suggestion) => suggestion is null ? string.Empty : $" (did you mean {suggestion}?)";
}
