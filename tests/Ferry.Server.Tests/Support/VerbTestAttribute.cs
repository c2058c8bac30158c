namespace Ferry.Server.Tests.Support;

/// <summary>
/// Marks a test as exercising the given FTP verbs over the wire. CommandTableCoverageTests fails
/// when a verb of the command table has no such test.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class VerbTestAttribute : Attribute
{
    public VerbTestAttribute(params string[] verbs) => Verbs = verbs;

    public IReadOnlyList<string> Verbs { get; }
}
