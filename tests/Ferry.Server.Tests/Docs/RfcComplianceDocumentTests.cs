using Ferry.Server.Protocol;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Docs;

public sealed class RfcComplianceDocumentTests
{
    [Fact]
    public void Docs_rfc_compliance_md_matches_the_command_table()
    {
        var path = Path.Combine(RepositoryPaths.Root, "docs", "rfc-compliance.md");
        var expected = ComplianceDocument.Render();
        if (Environment.GetEnvironmentVariable("UPDATE_RFC_DOC") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), "docs/rfc-compliance.md is missing; run with UPDATE_RFC_DOC=1 to create it.");
        Assert.True(File.ReadAllText(path) == expected,
            "docs/rfc-compliance.md differs from the command table; run UPDATE_RFC_DOC=1 dotnet test tests/Ferry.Server.Tests --filter RfcCompliance");
    }
}
