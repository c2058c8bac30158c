using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// Server:MinPasswordLength (issue 12): `ferry user add` and `ferry user passwd` refuse a new
/// password shorter than 15 characters (NIST SP 800-63B rev. 4) in one line naming the setting and
/// the minimum; the setting changes it; imported hashes are never checked.
/// </summary>
public sealed class PasswordPolicyHostTests : IDisposable
{
    private const string LongEnough = "fifteen chars ok";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-pwpolicy-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_folder, "data");

    [Fact]
    public async Task A_new_password_shorter_than_15_is_refused_in_one_line_naming_the_setting()
    {
        var add = await FerryProcess.RunAsync("bob's password", "user", "add", "bob", "--home", Path.Combine(_folder, "bob"), "--password-stdin", "--data-dir", DataDir);
        Assert.Equal(2, add.ExitCode);
        Assert.Equal("ferry: the password has 14 characters; Server:MinPasswordLength asks for at least 15.", add.Errors.Trim());

        var added = await FerryProcess.RunAsync(LongEnough, "user", "add", "bob", "--home", Path.Combine(_folder, "bob"), "--password-stdin", "--data-dir", DataDir);
        Assert.True(added.ExitCode == 0, added.Errors);

        var passwd = await FerryProcess.RunAsync("12345", "user", "passwd", "bob", "--password-stdin", "--data-dir", DataDir);
        Assert.NotEqual(0, passwd.ExitCode);
        Assert.Equal("ferry: the password has 5 characters; Server:MinPasswordLength asks for at least 15.", passwd.Errors.Trim());
    }

    [Fact]
    public async Task MinPasswordLength_from_the_configuration_sets_the_minimum()
    {
        Directory.CreateDirectory(_folder);
        var config = Path.Combine(_folder, "ferry.json");
        await File.WriteAllTextAsync(config, """{ "Server": { "MinPasswordLength": 20 } }""");
        var refused = await FerryProcess.RunAsync(LongEnough, "user", "add", "bob", "--home", Path.Combine(_folder, "bob"), "--password-stdin", "--data-dir", DataDir, "--config", config);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("at least 20", refused.Errors, StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, """{ "Server": { "MinPasswordLength": 5 } }""");
        var accepted = await FerryProcess.RunAsync("12345", "user", "add", "bob", "--home", Path.Combine(_folder, "bob"), "--password-stdin", "--data-dir", DataDir, "--config", config);
        Assert.True(accepted.ExitCode == 0, accepted.Errors);
    }

    [Fact]
    public async Task An_imported_hash_of_a_short_password_is_not_checked()
    {
        Directory.CreateDirectory(_folder);
        var salt = Guid.NewGuid().ToString("N")[..8];
        var hash = (await ClientProcess.RunAsync("openssl", ["passwd", "-6", "-salt", salt, "short"])).AssertSuccess().StdOut.Trim();
        var file = Path.Combine(_folder, "pureftpd.passwd");
        await File.WriteAllTextAsync(file, $"neo:{hash}:500:101::{Path.Combine(_folder, "neo")}/./::::::::::::\n");

        var import = await FerryProcess.RunAsync(null, "user", "import", file, "--data-dir", DataDir);
        Assert.True(import.ExitCode == 0, import.Errors);
        Assert.Contains("Added 'neo'", import.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        FileTree.DeleteQuietly(_folder);
    }
}
