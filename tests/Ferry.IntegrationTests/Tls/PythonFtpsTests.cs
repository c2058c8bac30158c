using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Tls;

/// <summary>Python's ftplib.FTP_TLS and ssl module (Scripts/ftps_tls.py) against a server that insists on TLS.</summary>
public sealed class PythonFtpsTests
{
    /// <summary>
    /// Plain ftplib never resumes the login's TLS session on data connections (the default
    /// DataTlsSessionReuse=Adaptive lets it); with reuse, every data connection resumes it.
    /// </summary>
    [Theory]
    [InlineData("default", false)]
    [InlineData("1.2", false)]
    [InlineData("1.3", false)]
    [InlineData("1.2", true)]
    [InlineData("1.3", true)]
    public async Task Auth_tls_prot_p_five_MiB_round_trip_mlsd_and_nlst(string version, bool reuse)
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await RunAsync(server, version, reuse ? "roundtrip-reuse" : "roundtrip");
        AssertOk(result);
        Assert.Contains("*cmd* 'AUTH TLS'", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("*cmd* 'PROT P'", result.StdOut, StringComparison.Ordinal);

        var kept = Kept(result);
        Assert.Equal(["five-mib.bin"], kept.Keys);
        Assert.Equal(kept["five-mib.bin"], FileTree.Sha256OfFile(server.PathOf("five-mib.bin")));
        Assert.Equal(5 * 1024 * 1024, new FileInfo(server.PathOf("five-mib.bin")).Length);
    }

    [Theory]
    [InlineData("1.2", false)]
    [InlineData("1.3", false)]
    [InlineData("1.3", true)]
    public async Task Download_and_listing_data_connections_end_with_close_notify(string version, bool reuse)
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await RunAsync(server, version, reuse ? "close-notify-reuse" : "close-notify");
        AssertOk(result);
        foreach (var command in new[] { "RETR f.bin", "LIST", "NLST", "MLSD", "LIST d" })
        {
            Assert.Contains($"END {command}: ", result.StdOut, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// curl, lftp and rclone end an upload with close_notify and close the socket at once,
    /// without reading what the server sent after the handshake. With TLS 1.3 that is the
    /// server's NewSessionTicket messages (TLS 1.2 sends tickets inside the handshake), so the
    /// client's close() finds unread data and Linux answers with a RST: the tail of the upload
    /// still in the client's send buffer is dropped (the server stores e.g. 114688 of 200002
    /// bytes) or, when everything did arrive, the server's own close_notify/shutdown fails. Both
    /// end in 426 (curl/curl#6149). Correct: every such upload arrives whole and gets 226.
    /// </summary>
    [Theory]
    [InlineData("default", false)]
    [InlineData("1.2", false)]
    [InlineData("1.3", false)]
    [InlineData("1.2", true)]
    [InlineData("1.3", true)]
    public async Task Upload_ended_by_close_notify_then_an_immediate_close_gets_226(string version, bool reuse)
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await RunAsync(server, version, reuse ? "upload-close-reuse" : "upload-close");
        AssertOk(result);
        var kept = Kept(result);
        Assert.Equal(11, kept.Count);
        foreach (var (name, hash) in kept)
        {
            Assert.Equal(hash, FileTree.Sha256OfFile(server.PathOf(name)));
        }
    }

    [Fact]
    public async Task Plain_ftplib_login_is_refused()
    {
        await using var server = await Ftps.StartStrictAsync();
        var result = await ClientProcess.RunAsync(
            "python3",
            ["-c", "import ftplib,sys\nf=ftplib.FTP()\nf.connect(sys.argv[1],int(sys.argv[2]),timeout=20)\ntry:\n  f.login(sys.argv[3],sys.argv[4])\nexcept ftplib.error_perm as e:\n  print('REFUSED',e)", server.Host, Ftps.Port(server.Port), TestServer.UserName, TestServer.Password]);
        result.AssertSuccess();
        Assert.StartsWith("REFUSED 530", result.StdOut, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Kept(ClientResult result) =>
        result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("kept ", StringComparison.Ordinal))
            .Select(l => l[5..].Split('\t'))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static void AssertOk(ClientResult result)
    {
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(result.ExitCode == 0 && lines.Length > 0 && lines[^1] == "OK", result.Describe());
    }

    private static Task<ClientResult> RunAsync(TestServer server, string version, string mode) =>
        ClientProcess.RunAsync(
            "python3",
            [Path.Combine(AppContext.BaseDirectory, "Scripts", "ftps_tls.py"), server.Host, Ftps.Port(server.Port), TestServer.UserName, TestServer.Password, version, mode]);
}
