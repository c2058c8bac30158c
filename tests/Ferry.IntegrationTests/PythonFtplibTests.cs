using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>Python's ftplib (Scripts/ftplib_roundtrip.py) in passive and active mode, over IPv4 and IPv6.</summary>
public sealed class PythonFtplibTests
{
    [Fact]
    public Task Ftplib_round_trip_passive_IPv4() => RoundTripAsync("127.0.0.1", "passive", "PASV");

    [Fact]
    public Task Ftplib_round_trip_active_IPv4() => RoundTripAsync("127.0.0.1", "active", "PORT");

    [Fact]
    public Task Ftplib_round_trip_passive_IPv6() => RoundTripAsync("::1", "passive", "EPSV");

    [Fact]
    public Task Ftplib_round_trip_active_IPv6() => RoundTripAsync("::1", "active", "EPRT");

    [Fact]
    public Task Ftplib_extras_passive() => ExtrasAsync("127.0.0.1", "passive");

    [Fact]
    public Task Ftplib_extras_active_IPv6() => ExtrasAsync("::1", "active");

    private static async Task ExtrasAsync(string address, string mode)
    {
        await using var server = await TestServer.StartAsync(listenAddress: address);
        var result = await RunScriptAsync("ftplib_extras.py", server, mode);
        result.AssertSuccess();
        Assert.True(result.StdOut.TrimEnd().EndsWith("OK", StringComparison.Ordinal), result.Describe());
        Assert.Equal("line one\nline two\nline three\n", File.ReadAllText(server.PathOf("text.txt")));
    }

    private static async Task RoundTripAsync(string address, string mode, string dataCommand)
    {
        await using var server = await TestServer.StartAsync(listenAddress: address);
        var result = await RunScriptAsync("ftplib_roundtrip.py", server, mode);
        result.AssertSuccess();
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 0 && lines[^1] == "OK", result.Describe());
        Assert.Contains($"*cmd* '{dataCommand}", result.StdOut, StringComparison.Ordinal);

        // What ftplib uploaded is on disk byte for byte, under its UTF-8 name.
        var kept = lines.Where(l => l.StartsWith("kept ", StringComparison.Ordinal)).Select(l => l[5..].Split('\t')).ToList();
        Assert.Equal(4, kept.Count);
        foreach (var entry in kept)
        {
            var path = server.PathOf(entry[0]);
            Assert.True(File.Exists(path), $"{entry[0]} is not on disk: {string.Join(", ", Directory.GetFileSystemEntries(server.Root))}");
            Assert.Equal(entry[1], FileTree.Sha256OfFile(path));
        }

        Assert.Equal(5 * 1024 * 1024, new FileInfo(server.PathOf("five-mib.bin")).Length);
        Assert.False(Directory.Exists(server.PathOf("a dir")));
    }

    internal static Task<ClientResult> RunScriptAsync(string script, TestServer server, params string[] extra) =>
        ClientProcess.RunAsync(
            "python3",
            [Path.Combine(AppContext.BaseDirectory, "Scripts", script), server.Host, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password, .. extra]);
}
