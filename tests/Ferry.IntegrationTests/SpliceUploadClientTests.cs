using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// Real clients uploading through the splice(2) path (plain, binary, local disk): curl and
/// Python's ftplib, compared byte for byte on disk. The server's log (event 6120) shows each
/// upload took splice, and no 6121 shows a fallback to the copy loop.
/// </summary>
public sealed class SpliceUploadClientTests
{
    private const int UploadMethodEvent = 6120;
    private const int SpliceFallbackEvent = 6121;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_535)]
    [InlineData((1024 * 1024) + 7)]
    [InlineData(20 * 1024 * 1024)]
    public async Task Curl_uploads_through_splice_byte_for_byte(int size)
    {
        await using var server = await TestServer.StartAsync(log: new RecordingLog());
        using var local = new TempFolder("splice-curl");
        var source = local.Combine("source.bin");
        var bytes = FileTree.WriteRandomFile(source, size);

        (await ClientProcess.RunAsync("curl", ["-sS", "-g", "--max-time", "50", "--user", $"{TestServer.UserName}:{TestServer.Password}",
            "-T", source, $"ftp://{server.Host}:{server.Port}/up.bin"])).AssertSuccess();

        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(server.PathOf("up.bin")));
        Assert.Contains(server.Log.Messages(UploadMethodEvent), m => m.EndsWith(": STOR \"/up.bin\" receives through splice", StringComparison.Ordinal));
        Assert.Empty(server.Log.Messages(SpliceFallbackEvent));
    }

    [Fact]
    public async Task Ftplib_uploads_resumes_and_appends_through_splice()
    {
        await using var server = await TestServer.StartAsync(log: new RecordingLog());

        var result = await ClientProcess.RunAsync("python3",
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "ftplib_splice.py"), server.Host, server.Port.ToString(CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password]);

        result.AssertSuccess();
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 0 && lines[^1] == "OK", result.Describe());
        var kept = lines.Where(l => l.StartsWith("kept ", StringComparison.Ordinal)).Select(l => l[5..].Split('\t')).ToList();
        Assert.Equal(7, kept.Count);
        foreach (var entry in kept)
        {
            Assert.True(FileTree.Sha256OfFile(server.PathOf(entry[0])) == entry[1], $"{entry[0]} differs on disk");
        }

        // 5 sizes, the first part and the resume of resume.bin, the STOR and the APPE of log.bin.
        Assert.Equal(9, server.Log.Messages(UploadMethodEvent).Count(m => m.EndsWith("through splice", StringComparison.Ordinal)));
        Assert.Empty(server.Log.Messages(SpliceFallbackEvent));
    }
}
