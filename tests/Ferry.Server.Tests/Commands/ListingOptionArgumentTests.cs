using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>
/// `ls` options in LIST/NLST arguments ("NLST -1" from ncftpls, "LIST -CF", "LIST -la dir"), and
/// names that start with a dash still reachable through "--", "./" and MLSD/MLST.
/// </summary>
public sealed class ListingOptionArgumentTests
{
    [Fact]
    [VerbTest("LIST", "NLST")]
    public async Task Option_words_with_letters_and_digits_are_options_not_paths()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "a.txt", "x");
        DataHelpers.WriteFile(server, ".hidden", "x");
        DataHelpers.WriteFile(server, "dir/inner.txt", "x");
        await using var ftp = await server.ConnectAsync();

        Assert.Equal(["a.txt", "dir"], Sorted(await DataHelpers.ListLinesAsync(ftp, "NLST -1")));
        Assert.Equal(["a.txt", "dir"], LongNames(await DataHelpers.ListLinesAsync(ftp, "LIST -1")));
        Assert.Equal([".hidden", "a.txt", "dir"], Sorted(await DataHelpers.ListLinesAsync(ftp, "NLST -1a")));
        Assert.Equal(["a.txt", "dir"], LongNames(await DataHelpers.ListLinesAsync(ftp, "LIST -CF")));
        Assert.Equal([".hidden", "a.txt", "dir"], LongNames(await DataHelpers.ListLinesAsync(ftp, "LIST -al")));
        Assert.Equal(["inner.txt"], LongNames(await DataHelpers.ListLinesAsync(ftp, "LIST -la dir")));
        Assert.Equal(["inner.txt"], Sorted(await DataHelpers.ListLinesAsync(ftp, "NLST -1 dir")));

        var status = await ftp.CommandAsync("STAT -1", 212);
        Assert.Contains(" a.txt", status.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [VerbTest("LIST", "NLST", "MLSD", "MLST")]
    public async Task Names_that_start_with_a_dash_are_reachable_after_double_dash_dot_slash_and_through_mlsx()
    {
        await using var server = await TestServer.StartAsync();
        DataHelpers.WriteFile(server, "-la", "dash file");
        DataHelpers.WriteFile(server, "-dir/inner.txt", "x");
        DataHelpers.WriteFile(server, "-x.txt", "x");
        await using var ftp = await server.ConnectAsync();

        // Without "--", "-la" is options: the current folder is listed.
        Assert.Equal(["-dir", "-la", "-x.txt"], LongNames(await DataHelpers.ListLinesAsync(ftp, "LIST -la")));

        Assert.Equal(["-la"], LongNames(await DataHelpers.ListLinesAsync(ftp, "LIST -- -la")));
        Assert.Equal(["-la"], LongNames(await DataHelpers.ListLinesAsync(ftp, "LIST ./-la")));
        Assert.Equal(["-la"], await DataHelpers.ListLinesAsync(ftp, "NLST -- -la"));
        Assert.Equal(["inner.txt"], Sorted(await DataHelpers.ListLinesAsync(ftp, "NLST -1 -- -dir")));

        // A word with a character no option has is a path, as before.
        Assert.Equal(["-x.txt"], LongNames(await DataHelpers.ListLinesAsync(ftp, "LIST -x.txt")));

        // MLST and MLSD take their argument only as a path (RFC 3659 §7.1).
        var facts = await ftp.CommandAsync("MLST -la", 250);
        Assert.Contains("size=9;", facts.ToString(), StringComparison.Ordinal);
        var mlsd = await DataHelpers.ListLinesAsync(ftp, "MLSD -dir");
        Assert.Single(mlsd, l => l.EndsWith(" inner.txt", StringComparison.Ordinal));
    }

    /// <summary>The name field of `ls -l` lines (the names here have no spaces).</summary>
    private static string[] LongNames(string[] lines) => [.. lines.Select(l => l[(l.LastIndexOf(' ') + 1)..]).Order(StringComparer.Ordinal)];

    private static string[] Sorted(string[] lines) => [.. lines.Order(StringComparer.Ordinal)];
}
