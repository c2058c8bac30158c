using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Security;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests;

/// <summary>
/// Upload-only accounts and directory rules with real clients, each with its default options:
/// uploads work, listing and downloading fail with the client's own error for a 550, and the
/// server goes on serving.
/// </summary>
public sealed class PermissionClientTests
{
    private const string Dropper = "dropper";
    private const string DropperPassword = "drop box pw";
    private const string DropperLogin = Dropper + ":" + DropperPassword;

    private const string LftpSettings =
        "set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 10; set net:reconnect-interval-base 1; set cmd:fail-exit yes; ";

    [Fact]
    public async Task Curl_uploads_as_upload_only_but_cannot_overwrite_list_or_download()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync(Dropper, DropperPassword, UserPermissions.UploadOnly);
        using var local = new TempFolder("curl-perm");
        var source = local.Combine("report.csv");
        File.WriteAllText(source, "a,b\n1,2\n");

        (await CurlAsync(DropperLogin, "-T", source, Url(server, "/"))).AssertSuccess();
        Assert.Equal("a,b\n1,2\n", File.ReadAllText(Path.Combine(home, "report.csv")));

        // The same name again would replace the first upload: curl's "upload failed" (25).
        var again = await CurlAsync(DropperLogin, "-T", source, Url(server, "/"));
        again.AssertExitCode(25);
        Assert.Contains("< 550 Permission denied: this account may not overwrite", again.StdErr, StringComparison.Ordinal);

        var list = await CurlAsync(DropperLogin, Url(server, "/"));
        Assert.NotEqual(0, list.ExitCode);
        Assert.Contains("< 550 Permission denied: this account may not list directories.", list.StdErr, StringComparison.Ordinal);

        // curl asks SIZE before RETR and reads its 550 as "no such file" (78): nothing leaks either way.
        var get = await CurlAsync(DropperLogin, "-o", local.Combine("got.csv"), Url(server, "/report.csv"));
        Assert.NotEqual(0, get.ExitCode);
        Assert.Contains("< 550 Permission denied", get.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(local.Combine("got.csv")) && new FileInfo(local.Combine("got.csv")).Length > 0);

        // Still healthy: the owner lists and fetches the upload.
        var owner = (await ClientProcess.RunAsync("curl", ["-sS", "--max-time", "30", "--user", TestServer.UserName + ":" + TestServer.Password, Url(server, "/")])).AssertSuccess();
        Assert.Equal(string.Empty, owner.StdOut);
    }

    [Fact]
    public async Task Lftp_puts_as_upload_only_but_cannot_ls_or_get()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync(Dropper, DropperPassword, UserPermissions.UploadOnly);
        using var local = new TempFolder("lftp-perm");
        var source = local.Combine("photo.jpg");
        var bytes = FileTree.WriteRandomFile(source, 300_000);

        // lftp follows the upload with MFMT to keep the time; that 550 does not fail the put.
        var put = (await LftpAsync(server, Dropper, DropperPassword, $"put {source} -o photo.jpg")).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(Path.Combine(home, "photo.jpg")));
        Assert.Contains("---> STOR photo.jpg", put.StdErr, StringComparison.Ordinal);

        var ls = await LftpAsync(server, Dropper, DropperPassword, "ls");
        Assert.NotEqual(0, ls.ExitCode);
        Assert.Contains("550 Permission denied: this account may not list directories.", ls.StdErr, StringComparison.Ordinal);

        var get = await LftpAsync(server, Dropper, DropperPassword, $"get photo.jpg -o {local.Combine("back.jpg")}");
        Assert.NotEqual(0, get.ExitCode);
        Assert.Contains("550 Permission denied: this account may not download files.", get.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(local.Combine("back.jpg")) && new FileInfo(local.Combine("back.jpg")).Length > 0);
    }

    [Fact]
    public async Task Ftplib_storbinary_works_as_upload_only_and_nlst_and_retrbinary_raise_error_perm()
    {
        await using var server = await TestServer.StartAsync();
        var home = await server.AddUserAsync(Dropper, DropperPassword, UserPermissions.UploadOnly);
        const string Script = """
            import ftplib, io, sys
            host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
            ftp = ftplib.FTP()
            ftp.connect(host, port, timeout=20)
            ftp.login(user, password)
            print(ftp.storbinary("STOR upload.bin", io.BytesIO(b"x" * 70000)))
            for name, call in [("nlst", lambda: ftp.nlst()), ("retr", lambda: ftp.retrbinary("RETR upload.bin", lambda b: None)),
                               ("mlsd", lambda: list(ftp.mlsd())), ("size", lambda: ftp.size("upload.bin"))]:
                try:
                    call()
                    print(name, "allowed")
                except ftplib.error_perm as e:
                    print(name, "refused", e)
            ftp.quit()
            print("OK")
            """;
        var result = (await ClientProcess.RunAsync("python3", ["-c", Script, server.Host, server.Port.ToString(CultureInfo.InvariantCulture), Dropper, DropperPassword])).AssertSuccess();

        Assert.Contains("226 Transfer complete.", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("nlst refused 550 Permission denied: this account may not list directories.", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("retr refused 550 Permission denied: this account may not download files.", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("mlsd refused 550", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("size refused 550", result.StdOut, StringComparison.Ordinal);
        Assert.EndsWith("OK", result.StdOut.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(70000, new FileInfo(Path.Combine(home, "upload.bin")).Length);
    }

    [Fact]
    public async Task A_read_only_user_uploads_into_the_writable_folder_only_with_curl_and_lftp()
    {
        await using var server = await TestServer.StartAsync(o => o.DirectoryPermissions.Add(new DirectoryPermissionRule { Path = "/incoming", Permissions = "list,write" }));
        var home = await server.AddUserAsync("reader", "read only pw", UserPermissions.ReadOnly);
        Directory.CreateDirectory(Path.Combine(home, "incoming"));
        using var local = new TempFolder("rule-perm");
        var source = local.Combine("data.txt");
        File.WriteAllText(source, "data");

        (await CurlAsync("reader:read only pw", "-T", source, Url(server, "/incoming/"))).AssertSuccess();
        Assert.Equal("data", File.ReadAllText(Path.Combine(home, "incoming", "data.txt")));
        var outside = await CurlAsync("reader:read only pw", "-T", source, Url(server, "/"));
        outside.AssertExitCode(25);
        Assert.Contains("< 550 Permission denied: this account may not upload files.", outside.StdErr, StringComparison.Ordinal);

        (await LftpAsync(server, "reader", "read only pw", $"cd incoming; put {source} -o second.txt; ls")).AssertSuccess();
        Assert.Equal("data", File.ReadAllText(Path.Combine(home, "incoming", "second.txt")));
        var lftpOutside = await LftpAsync(server, "reader", "read only pw", $"put {source} -o /third.txt");
        Assert.NotEqual(0, lftpOutside.ExitCode);
        Assert.False(File.Exists(Path.Combine(home, "third.txt")));
    }

    private static string Url(TestServer server, string path) => $"ftp://{server.UrlHost}:{server.Port}{path}";

    private static Task<ClientResult> CurlAsync(string user, params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "-v", "-g", "--max-time", "50", "--connect-timeout", "10", "--user", user, .. arguments]);

    private static Task<ClientResult> LftpAsync(TestServer server, string user, string password, string commands) =>
        ClientProcess.RunAsync(
            "lftp",
            ["--norc", "-d", "-u", user + "," + password, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-e", LftpSettings + commands + "; quit", server.Host]);
}
