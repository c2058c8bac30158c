using System.Reflection;
using Ferry.Server.Protocol;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Docs;

/// <summary>The command table is the source of truth; these tests keep the tests and the docs in step with it.</summary>
public sealed class CommandTableCoverageTests
{
    [Fact]
    public void Every_verb_in_the_command_table_has_a_wire_test()
    {
        var tested = typeof(CommandTableCoverageTests).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .SelectMany(method => method.GetCustomAttributes<VerbTestAttribute>())
            .SelectMany(attribute => attribute.Verbs)
            .ToHashSet(StringComparer.Ordinal);
        var untested = CommandTable.All.Select(spec => spec.Verb).Where(verb => !tested.Contains(verb)).ToList();
        Assert.True(untested.Count == 0, "Verbs without a [VerbTest]: " + string.Join(", ", untested));
    }

    [Fact]
    public void Every_verb_names_its_rfc_and_syntax()
    {
        Assert.All(CommandTable.All, spec =>
        {
            Assert.False(string.IsNullOrWhiteSpace(spec.Rfc), spec.Verb);
            Assert.False(string.IsNullOrWhiteSpace(spec.Syntax), spec.Verb);
            Assert.Equal(spec.Verb, spec.Verb.ToUpperInvariant());
        });
        Assert.Equal(CommandTable.All.Count, CommandTable.All.Select(s => s.Verb).Distinct().Count());
    }
}
