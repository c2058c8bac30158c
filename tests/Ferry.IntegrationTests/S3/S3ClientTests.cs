using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.S3;

/// <summary>
/// Real clients (lftp, rclone, curl, Python ftplib) against a Ferry user whose files are objects
/// on S3 (issue 16), run once per engine by the sealed subclasses (Ceph RGW, Swift s3api). Each
/// test has a bucket and a server of its own (<see cref="S3Ferry"/>). Parts are the smallest S3
/// allows (5 MiB) so that "larger than two parts" and "resume above one part" cost megabytes; the
/// bytes are checked byte for byte (SHA-256), and the bucket behind Ferry's back (keys, folder
/// markers, unfinished multipart uploads).
/// </summary>
public abstract class S3ClientTests(S3Engine engine)
{
    private const int PartSize = 5 << 20;

    private static readonly string UserArgument = TestServer.UserName + ":" + TestServer.Password;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    /// <summary>
    /// lftp mirror -R of a nested tree with spaces and UTF-8 names, empty folders, an empty file and
    /// a file of two full parts and a short third; then mirror back into a fresh folder. Both trees
    /// are the source byte for byte, and the bucket holds exactly the tree under alice's root: an
    /// object per file, a zero-byte "name/" marker per folder (lftp's MKD), nothing unfinished.
    /// </summary>
    [Fact]
    public async Task Lftp_mirror_up_and_back_of_a_utf8_tree_is_byte_identical_with_one_key_per_file_and_folder()
    {
        await using var ferry = await StartAsync("lftp-mirror");
        using var local = new TempFolder("s3-lftp");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        FileTree.WriteRandomFile(Path.Combine(source, "ünï cödé", "fïle.txt"), 5000);
        Directory.CreateDirectory(Path.Combine(source, "ünï cödé", "lëer"));
        FileTree.WriteRandomFile(Path.Combine(source, "large", "twelve.bin"), (12 << 20) + 123);
        var back = local.Combine("back");

        var result = (await Lftp.RunAsync(ferry.Server, $"mirror -R {Quote(source)} /up; mirror {Quote("/up")} {Quote(back)}")).AssertSuccess();

        var expected = FileTree.Snapshot(source);
        Assert.Equal(expected, FileTree.Snapshot(back));
        var keys = await ferry.KeysAsync();
        string[] expectedKeys = ["up/", .. expected.Select(entry => "up/" + (entry.EndsWith('/') ? entry : entry[..entry.LastIndexOf(' ')]))];
        Assert.True(expectedKeys.Order(StringComparer.Ordinal).SequenceEqual(keys), $"keys under {ferry.Root}:\n{string.Join('\n', keys)}\n{result.Describe()}");
        Assert.Equal((12 << 20) + 123, (await ferry.GetAsync("up/large/twelve.bin"))!.Length);
        Assert.Empty(await ferry.Bucket.ListUnfinishedUploadsAsync());
    }

    /// <summary>rclone copy of the sample tree up, rclone check (sizes) and check --download (bytes), then copy back into a fresh folder.</summary>
    [Fact]
    public async Task Rclone_copy_then_check_and_copy_back_gives_the_same_tree()
    {
        await using var ferry = await StartAsync("rclone");
        using var local = new TempFolder("s3-rclone");
        var source = local.Combine("source");
        FileTree.CreateSampleTree(source);
        FileTree.WriteRandomFile(Path.Combine(source, "ünï cödé", "fïle.txt"), 3000);
        FileTree.WriteRandomFile(Path.Combine(source, "large.bin"), (7 << 20) + 5);
        var environment = new Dictionary<string, string> { ["RCLONE_CONFIG"] = local.Combine("no-such-rclone.conf") };
        var obscured = (await ClientProcess.RunAsync("rclone", ["obscure", TestServer.Password], environment: environment)).AssertSuccess().StdOut.Trim();
        Task<ClientResult> Rclone(params string[] arguments) => ClientProcess.RunAsync(
            "rclone",
            [
                .. arguments,
                "--ftp-host", ferry.Server.UrlHost, "--ftp-port", ferry.Server.Port.ToString(CultureInfo.InvariantCulture),
                "--ftp-user", TestServer.UserName, "--ftp-pass", obscured,
                "--low-level-retries", "1", "--retries", "1", "--contimeout", "10s", "--timeout", "30s", "-vv",
            ],
            environment: environment);

        (await Rclone("copy", "--create-empty-src-dirs", source, ":ftp:dest")).AssertSuccess();
        (await Rclone("check", source, ":ftp:dest")).AssertSuccess();
        (await Rclone("check", "--download", source, ":ftp:dest")).AssertSuccess();
        var back = local.Combine("back");
        (await Rclone("copy", "--create-empty-src-dirs", ":ftp:dest", back)).AssertSuccess();

        var expected = FileTree.Snapshot(source);
        Assert.Equal(expected, FileTree.Snapshot(back));
        var files = expected.Where(entry => !entry.EndsWith('/')).Select(entry => "dest/" + entry[..entry.LastIndexOf(' ')]);
        Assert.Equal(files.Order(StringComparer.Ordinal), (await ferry.KeysAsync()).Where(key => !key.EndsWith('/')));
        Assert.Empty(await ferry.Bucket.ListUnfinishedUploadsAsync());
    }

    /// <summary>
    /// curl -T and -o; then -C - -T onto a shorter object, once with less than 5 MiB kept (the
    /// backend reads those bytes into the first part) and once with more (the store copies them,
    /// UploadPartCopy): curl asks SIZE and sends the rest with APPE. Then -C - -o resumes a partial
    /// local file with REST. Every result is the whole file, byte for byte.
    /// </summary>
    [Fact]
    public async Task Curl_uploads_downloads_and_resumes_both_ways()
    {
        await using var ferry = await StartAsync("curl");
        using var local = new TempFolder("s3-curl");
        var source = local.Combine("source.bin");
        var bytes = FileTree.WriteRandomFile(source, (9 << 20) + 4321);

        (await CurlAsync("--ftp-create-dirs", "-T", source, Url(ferry, "/in/whole.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256((await ferry.GetAsync("in/whole.bin"))!));
        (await CurlAsync("-o", local.Combine("whole.bin"), Url(ferry, "/in/whole.bin"))).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("whole.bin")));

        foreach (var kept in new[] { (3 << 20) + 11, (6 << 20) + 13 })
        {
            var name = $"resumed-{kept}.bin";
            await ferry.PutAsync(name, bytes[..kept]);
            var resume = (await CurlAsync("-C", "-", "-T", source, Url(ferry, "/" + name))).AssertSuccess();
            Assert.Contains("> APPE " + name, resume.StdErr, StringComparison.Ordinal);
            Assert.True(FileTree.Sha256(bytes) == FileTree.Sha256((await ferry.GetAsync(name))!), $"kept {kept}: the object is not the whole file\n{resume.Describe()}");
        }

        var partial = local.Combine("partial.bin");
        File.WriteAllBytes(partial, bytes[..((6 << 20) + 99)]);
        var download = (await CurlAsync("-C", "-", "-o", partial, Url(ferry, "/in/whole.bin"))).AssertSuccess();
        Assert.Contains("> REST " + ((6 << 20) + 99).ToString(CultureInfo.InvariantCulture), download.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(partial));
        Assert.Empty(await ferry.Bucket.ListUnfinishedUploadsAsync());
    }

    /// <summary>lftp put -c onto a shorter remote file: lftp asks SIZE, then REST and STOR of the rest; the object is the whole file.</summary>
    [Fact]
    public async Task Lftp_put_c_resumes_onto_a_shorter_remote_file()
    {
        await using var ferry = await StartAsync("lftp-put");
        using var local = new TempFolder("s3-lftp-put");
        var source = local.Combine("feed.bin");
        var bytes = FileTree.WriteRandomFile(source, (8 << 20) + 777);
        var kept = (5 << 20) + 4096;
        await ferry.PutAsync("feed.bin", bytes[..kept]);

        var result = (await Lftp.RunAsync(ferry.Server, $"put -c {Quote(source)} -o feed.bin")).AssertSuccess();

        Assert.Contains("---> REST " + kept.ToString(CultureInfo.InvariantCulture), result.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256((await ferry.GetAsync("feed.bin"))!));
        Assert.Empty(await ferry.Bucket.ListUnfinishedUploadsAsync());
    }

    /// <summary>
    /// What an interrupted upload leaves on S3: nothing. The object appears only when the upload is
    /// committed; an upload cut mid-way (here curl giving up, --max-time, after more than one part)
    /// has its multipart upload aborted, so no object and no unfinished upload remain, and a resume
    /// has nothing to resume from: curl -C - asks SIZE, gets 550, and sends the whole file from byte
    /// zero, which arrives whole. (On a local disk the same holds: an interrupted upload never
    /// replaces the file, InterruptedUploadClientTests.)
    /// </summary>
    [Fact]
    public async Task An_upload_cut_mid_way_leaves_nothing_and_curl_C_dash_then_sends_the_whole_file()
    {
        await using var ferry = await StartAsync("curl-cut");
        using var local = new TempFolder("s3-curl-cut");
        var source = local.Combine("cut.bin");
        var bytes = FileTree.WriteRandomFile(source, 12 << 20);

        // 4 MiB/s for 3 s: about 12 MiB is too much, so curl gives up (exit 28) with the multipart upload under way.
        var cut = CurlAsync("--limit-rate", "4M", "--max-time", "3", "-T", source, Url(ferry, "/cut.bin"));
        var sawMultipart = false;
        while (!cut.IsCompleted)
        {
            sawMultipart |= (await ferry.Bucket.ListUnfinishedUploadsAsync(ferry.Root)).Count > 0;
            await Task.Delay(100);
        }

        (await cut).AssertExitCode(28);
        Assert.True(sawMultipart, "the cut upload never became a multipart upload on the store");
        await ferry.Server.WaitForSessionsAsync(0);
        await WaitUntilAsync(async () => (await ferry.Bucket.ListUnfinishedUploadsAsync()).Count == 0, "the cut upload's multipart upload to be aborted");
        Assert.Empty(await ferry.KeysAsync());

        var resume = (await CurlAsync("-C", "-", "-T", source, Url(ferry, "/cut.bin"))).AssertSuccess();
        Assert.Contains("> SIZE cut.bin", resume.StdErr, StringComparison.Ordinal);
        Assert.Contains("> STOR cut.bin", resume.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256((await ferry.GetAsync("cut.bin"))!));
        Assert.Empty(await ferry.Bucket.ListUnfinishedUploadsAsync());
    }

    /// <summary>
    /// Python ftplib sends 7 MiB of a STOR (more than one part: the store shows a multipart upload),
    /// then ABOR: the replies are 426 then 226 (RFC 959 §4.1.3), SIZE is 550, the bucket has no
    /// object and ListMultipartUploads shows none; the session goes on (a STOR succeeds).
    /// </summary>
    [Fact]
    public async Task Ftplib_abor_mid_stor_leaves_no_object_and_no_unfinished_multipart_upload()
    {
        await using var ferry = await StartAsync("ftplib-abor");
        var script = Path.Combine(AppContext.BaseDirectory, "Scripts", "ftplib_abor_s3.py");
        using var python = StartPython(script, ferry.Server.Host, ferry.Server.Port.ToString(CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password, "aborted.bin", (7 << 20).ToString(CultureInfo.InvariantCulture));
        var errors = python.StandardError.ReadToEndAsync();
        var output = new StringBuilder();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            // ftplib's dialogue (debug level 1) comes first, then "sent N".
            for (var line = ""; !line.StartsWith("sent ", StringComparison.Ordinal);)
            {
                line = await python.StandardOutput.ReadLineAsync(deadline.Token) ?? throw new Xunit.Sdk.XunitException("the script ended before sending");
                output.AppendLine(line);
            }

            await WaitUntilAsync(async () => (await ferry.Bucket.ListUnfinishedUploadsAsync(ferry.Root)).Count == 1, "the upload to become a multipart upload on the store");

            await python.StandardInput.WriteLineAsync("abort");
            await python.StandardInput.FlushAsync(deadline.Token);
            output.Append(await python.StandardOutput.ReadToEndAsync(deadline.Token));
            await python.WaitForExitAsync(deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or Xunit.Sdk.XunitException)
        {
            python.Kill(entireProcessTree: true);
            await python.WaitForExitAsync();
            Assert.Fail($"{e.Message}\n--- stdout ---\n{output}\n--- stderr ---\n{await errors}");
        }

        var text = output.ToString();
        Assert.True(python.ExitCode == 0, $"exit code {python.ExitCode}\n{text}{await errors}");
        Assert.Matches(@"replies: 426 [^|]*\| 226", text);
        Assert.Contains("size: 550", text, StringComparison.Ordinal);
        Assert.Contains("stor: 226", text, StringComparison.Ordinal);
        await WaitUntilAsync(async () => (await ferry.Bucket.ListUnfinishedUploadsAsync()).Count == 0, "the multipart upload to be aborted");
        Assert.Equal(["after.txt"], await ferry.KeysAsync());
        Assert.Equal("the session goes on\n", Encoding.ASCII.GetString((await ferry.GetAsync("after.txt"))!));
    }

    private Task<S3Ferry> StartAsync(string purpose) =>
        S3Ferry.StartAsync(engine, purpose, options => options.PartSize = PartSize);

    private static string Url(S3Ferry ferry, string path) => $"ftp://{ferry.Server.UrlHost}:{ferry.Server.Port}{path}";

    private static Task<ClientResult> CurlAsync(params string[] arguments) =>
        ClientProcess.RunAsync("curl", ["-sS", "-v", "-g", "--max-time", "50", "--connect-timeout", "10", "--user", UserArgument, .. arguments]);

    /// <summary>A path for an lftp command line (double quotes; the test's paths hold no quote or backslash).</summary>
    private static string Quote(string path) => "\"" + path + "\"";

    /// <summary>python3 with a script the test talks to line by line (ClientProcess gives stdin all at once).</summary>
    private static Process StartPython(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("python3")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONUTF8"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException("could not start python3");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Settle, $"waited {Settle.TotalSeconds:0} s for {what}");
            await Task.Delay(100);
        }
    }
}
