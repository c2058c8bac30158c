using System.Text.RegularExpressions;
using Ferry.Server.Protocol;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Docs;

/// <summary>
/// A verb's rules live in its row of <see cref="CommandTable"/> (issue 13): which data connection
/// it uses, which sequence it belongs to, what storage it needs, whether its argument is secret.
/// A check such as <c>verb is "STOR" or "APPE"</c> elsewhere would be a second, silent copy of a
/// rule, so this test fails when a table verb appears as a string literal outside the table,
/// except where it is only text (a handler naming itself in a reply or log record) or a
/// different name that happens to be spelled like a verb.
/// </summary>
public sealed partial class VerbLiteralTests
{
    /// <summary>File (relative to src/Ferry.Server) and literal, each with why it is not a rule.</summary>
    private static readonly Dictionary<(string File, string Verb), string> Allowed = new()
    {
        [("Protocol/Handlers/TransferCommands.cs", "RETR")] = "the handler's own verb, as the transfer's name in its log records",
        [("Protocol/Handlers/TransferCommands.cs", "STOR")] = "the handler's own verb, as the transfer's name in its log records",
        [("Protocol/Handlers/TransferCommands.cs", "APPE")] = "the handler's own verb, as the transfer's name in its log records",
        [("Protocol/Handlers/TransferCommands.cs", "STOU")] = "the handler's own verb, as the transfer's name in its log records",
        [("Protocol/Handlers/DataConnectionCommands.cs", "PORT")] = "the handler's own verb in its reply texts",
        [("Protocol/Handlers/DataConnectionCommands.cs", "EPRT")] = "the handler's own verb in its reply texts",
        [("Protocol/Handlers/InformationCommands.cs", "MLST")] = "the OPTS MLST option (RFC 3659 §7.9), not the verb",
        [("Protocol/Handlers/SiteCommands.cs", "HELP")] = "the SITE HELP sub-command, not the verb",
        [("Protocol/Handlers/InformationCommands.cs", "HASH")] = "the OPTS HASH option (draft-bryan-ftpext-hash §4), and HASH's FEAT line, which stars the session's selection",
    };

    [Fact]
    public void No_table_verb_is_a_string_literal_outside_the_command_table()
    {
        var verbs = CommandTable.All.Select(spec => spec.Verb).ToHashSet(StringComparer.Ordinal);
        var source = RepositoryPaths.Combine("src", "Ferry.Server");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file).Replace('\\', '/');
            if (relative is "Protocol/CommandTable.cs" || relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match match in QuotedWord().Matches(lines[i]))
                {
                    var word = match.Groups[1].Value;
                    if (verbs.Contains(word) && !Allowed.ContainsKey((relative, word)))
                    {
                        found.Add($"{relative}:{i + 1}: \"{word}\"");
                    }
                }
            }
        }

        Assert.True(found.Count == 0,
            "Table verbs as string literals outside CommandTable.cs (make the rule a column of CommandSpec, or allow-list text with its reason):\n"
            + string.Join('\n', found));
    }

    /// <summary>The allow-list names only what still exists, so it cannot grow stale.</summary>
    [Fact]
    public void Every_allowed_literal_is_still_there()
    {
        foreach (var ((file, verb), reason) in Allowed)
        {
            var text = File.ReadAllText(RepositoryPaths.Combine("src", "Ferry.Server", file));
            Assert.True(text.Contains('"' + verb + '"', StringComparison.Ordinal), $"{file} no longer has \"{verb}\" ({reason}): remove it from the allow-list.");
        }
    }

    [GeneratedRegex("\"([A-Z][A-Z0-9]{2,7})\"")]
    private static partial Regex QuotedWord();
}
