using Ferry.Server.Security;

namespace Ferry.Server.Tests.Unit;

/// <summary>The deny file (ftpusers(5)) and the uid floor, against this machine's real password database.</summary>
public sealed class SystemAccountPolicyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-policy-" + Guid.NewGuid().ToString("N")[..12]);

    public SystemAccountPolicyTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public void Deny_file_is_one_name_per_line_with_comments_and_blanks_ignored()
    {
        var names = DenyFile.Parse(["# ftpusers", "root", "", "  daemon  ", "bin # trailing comment", "\t"]);
        Assert.Equal(["bin", "daemon", "root"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_missing_deny_file_lists_nobody_and_an_unreadable_one_everybody()
    {
        Assert.False(DenyFile.Lists(Path.Combine(_folder, "missing"), "alice"));

        // A directory where the file should be cannot be read as one: fail closed.
        var notAFile = Path.Combine(_folder, "directory");
        Directory.CreateDirectory(notAFile);
        Assert.True(DenyFile.Lists(notAFile, "alice"));
    }

    [Fact]
    public void Root_is_below_the_floor_whatever_MinUid_says_and_a_listed_name_is_refused_first()
    {
        var options = new SystemAccountOptions { Enabled = true, MinUid = 0, DenyFile = Path.Combine(_folder, "none") };
        var (verdict, account) = SystemAccountPolicy.Check(options, "root");
        Assert.Equal(SystemAccountPolicy.Verdict.BelowMinUid, verdict);
        Assert.Equal(0u, account!.Uid);

        var denyFile = Path.Combine(_folder, "ftpusers");
        File.WriteAllText(denyFile, "root\n");
        Assert.Equal(SystemAccountPolicy.Verdict.Listed, SystemAccountPolicy.Check(new SystemAccountOptions { DenyFile = denyFile }, "root").Verdict);
    }

    [Fact]
    public void The_uid_floor_compares_with_the_account_uid_and_unknown_names_are_unknown()
    {
        var nobody = PasswdDatabase.Find("nobody");
        Assert.NotNull(nobody);
        var none = Path.Combine(_folder, "none");
        Assert.Equal(SystemAccountPolicy.Verdict.Allowed, SystemAccountPolicy.Check(new SystemAccountOptions { MinUid = (int)nobody.Uid, DenyFile = none }, "nobody").Verdict);
        Assert.Equal(SystemAccountPolicy.Verdict.BelowMinUid, SystemAccountPolicy.Check(new SystemAccountOptions { MinUid = (int)nobody.Uid + 1, DenyFile = none }, "nobody").Verdict);
        Assert.Equal(SystemAccountPolicy.Verdict.Unknown, SystemAccountPolicy.Check(new SystemAccountOptions { DenyFile = none }, "no-such-account-" + Guid.NewGuid().ToString("N")[..8]).Verdict);
        Assert.Null(PasswdDatabase.Find("bad\0name"));
    }

    [Fact]
    public void Bad_system_account_settings_name_their_keys_only_when_enabled()
    {
        var bad = new FtpServerOptions { SystemAccountMinUid = 0, SystemAccountDenyFile = "ftpusers", SystemAccountPamService = "../shadow" };
        Assert.Empty(bad.Validate());
        bad.SystemAccounts = true;
        var errors = bad.Validate();
        Assert.Contains(errors, e => e.StartsWith("SystemAccountMinUid:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SystemAccountDenyFile:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SystemAccountPamService:", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
