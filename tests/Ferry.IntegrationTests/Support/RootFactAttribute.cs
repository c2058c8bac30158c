namespace Ferry.IntegrationTests.Support;

/// <summary>
/// A test that needs root (it creates machine accounts, binds ports below 1024, drops
/// privileges): skipped with a message naming why when the tests do not run as root. xunit 2.9
/// has no dynamic skip, so the decision is made when the attribute is read.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute(string why)
    {
        Why = why;
        if (!IsRoot)
        {
            Skip = "needs root: " + why;
        }
    }

    public string Why { get; }

    /// <summary>The effective uid from /proc/self/status ("Uid: real effective saved fs").</summary>
    public static bool IsRoot =>
        File.ReadLines("/proc/self/status").First(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0";
}
