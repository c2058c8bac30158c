using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// The data folder holds the password hashes: 0700, and the store 0600 (issue 12; it was 0644 in a
/// 0755 folder, readable by every local user). Created so, and tightened when found looser.
/// </summary>
public sealed class DataFolderModeTests : IDisposable
{
    private const string Password = "data folder mode password";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-modes-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_folder, "data");

    [Fact]
    public async Task User_add_creates_the_data_folder_0700_and_the_store_0600()
    {
        await AddUserAsync("bob");

        Assert.Equal("700", await ModeAsync(DataDir));
        Assert.All(StoreFiles(), file => Assert.Equal("600", ModeAsync(file).GetAwaiter().GetResult()));
        Assert.Contains(Path.Combine(DataDir, "users.db"), StoreFiles());
    }

    [Fact]
    public async Task A_looser_data_folder_and_store_are_tightened_when_the_store_is_opened()
    {
        await AddUserAsync("bob");
        (await ClientProcess.RunAsync("chmod", ["755", DataDir])).AssertSuccess();
        (await ClientProcess.RunAsync("chmod", ["644", Path.Combine(DataDir, "users.db")])).AssertSuccess();

        var list = await FerryProcess.RunAsync(null, "user", "list", "--data-dir", DataDir);
        Assert.True(list.ExitCode == 0, list.Errors);
        Assert.Contains("bob", list.Output, StringComparison.Ordinal);

        Assert.Equal("700", await ModeAsync(DataDir));
        Assert.All(StoreFiles(), file => Assert.Equal("600", ModeAsync(file).GetAwaiter().GetResult()));
    }

    private async Task AddUserAsync(string name)
    {
        var add = await FerryProcess.RunAsync(Password, "user", "add", name, "--home", Path.Combine(_folder, name), "--password-stdin", "--data-dir", DataDir);
        Assert.True(add.ExitCode == 0, add.Errors);
    }

    private string[] StoreFiles() => Directory.GetFiles(DataDir, "users.db*");

    private static async Task<string> ModeAsync(string path) =>
        (await ClientProcess.RunAsync("stat", ["-c", "%a", path])).AssertSuccess().StdOut.Trim();

    public void Dispose()
    {
        FileTree.DeleteQuietly(_folder);
    }
}
