namespace Ferry.Server.Tests.Support;

/// <summary>
/// A test that needs an ordinary user: root reads and enters any folder whatever its mode, so
/// a test of what chmod 000 does can only fail (or pass) honestly without root. Skipped with
/// "needs non-root" when the tests run as root; xunit 2.9 has no dynamic skip, so the decision
/// is made when the attribute is read.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NonRootFactAttribute : FactAttribute
{
    public NonRootFactAttribute(string why)
    {
        Why = why;
        if (IsRoot)
        {
            Skip = "needs non-root: " + why;
        }
    }

    public string Why { get; }

    /// <summary>The effective uid from /proc/self/status ("Uid: real effective saved fs").</summary>
    public static bool IsRoot =>
        File.ReadLines("/proc/self/status").First(line => line.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0";
}
