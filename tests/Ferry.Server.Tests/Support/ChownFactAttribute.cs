namespace Ferry.Server.Tests.Support;

/// <summary>A test that gives files another owner, which needs CAP_CHOWN (root): skipped with that reason otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChownFactAttribute : FactAttribute
{
    public ChownFactAttribute()
    {
        if (!NonRootFactAttribute.IsRoot)
        {
            Skip = "needs root: fchown to another user needs CAP_CHOWN";
        }
    }
}
