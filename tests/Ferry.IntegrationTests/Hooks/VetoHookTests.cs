using System.Text.Json.Nodes;

namespace Ferry.IntegrationTests.Hooks;

/// <summary>
/// Veto hooks: a pre-upload name policy and a pre-commit content scan refuse uploads, the client
/// reads 550 with the hook's reason, and nothing of the refused file is left in the home, hidden
/// partial files included; a webhook veto answers with its JSON reason, and one that does not
/// answer refuses unless FailOpen.
/// </summary>
public sealed class VetoHookTests : IDisposable
{
    private readonly string _scripts = Path.Combine(Path.GetTempPath(), "ferry-veto-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task A_pre_upload_command_refuses_a_name_and_curl_reads_550_with_the_reason_and_nothing_is_left()
    {
        var policy = HookServer.WriteScript(_scripts, "names.py", """
            import os, sys
            path = os.environ["FERRY_PATH"]
            if os.environ["FERRY_EVENT"] == "pre-upload" and path.endswith(".exe"):
                print("no executables here: " + os.path.basename(path))
                sys.exit(1)
            """);
        await using var ferry = await HookServer.StartAsync("hook-veto-name", [new JsonObject
        {
            ["Name"] = "names",
            ["Events"] = new JsonArray("pre-upload"),
            ["Command"] = HookServer.Python,
            ["Arguments"] = new JsonArray(policy),
        }]);
        var file = Path.Combine(_scripts, "payload.bin");
        await File.WriteAllTextAsync(file, "MZ... not really");

        var refused = await ferry.UploadAsync(file, "/setup.exe", "-v");
        Assert.Equal(25, refused.ExitCode); // CURLE_UPLOAD_FAILED: the server refused STOR
        Assert.Contains("< 550 Upload refused: no executables here: setup.exe", refused.StdErr, StringComparison.Ordinal);

        (await ferry.UploadAsync(file, "/readme.txt")).AssertSuccess();
        Assert.Equal(["readme.txt"], Directory.GetFileSystemEntries(ferry.Home).Select(Path.GetFileName));
        await ferry.Harness.WaitForEventAsync(7407, "no executables here");
    }

    [Fact]
    public async Task A_pre_upload_command_that_does_not_answer_in_time_is_killed_and_the_upload_refused()
    {
        var slow = HookServer.WriteScript(_scripts, "slow.py", """
            import os, time
            with open("slow-%s.pid" % os.environ["FERRY_EVENT_ID"], "w") as out:
                out.write(str(os.getpid()))
            time.sleep(60)
            """);
        await using var ferry = await HookServer.StartAsync("hook-veto-slow", [new JsonObject
        {
            ["Name"] = "slow",
            ["Events"] = new JsonArray("pre-upload"),
            ["Command"] = HookServer.Python,
            ["Arguments"] = new JsonArray(slow),
            ["Timeout"] = "00:00:00.5",
        }]);
        var file = Path.Combine(_scripts, "payload.txt");
        await File.WriteAllTextAsync(file, "hello");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await ferry.UploadAsync(file, "/payload.txt", "-v");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the upload waited {clock.Elapsed} for a hook with a 0.5 s timeout");
        Assert.Contains("< 550 Upload refused: upload check unavailable", refused.StdErr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(ferry.Home));
        await ferry.Harness.WaitForEventAsync(7406, "timed out after 0.5 s, killed");

        // Killed, not left running (on a slow machine python may not have written its pid before the kill).
        if (Directory.GetFiles(ferry.DataDir, "slow-*.pid").SingleOrDefault() is { } pidFile && await File.ReadAllTextAsync(pidFile) is { Length: > 0 } pid)
        {
            Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), $"hook process {pid} still runs");
        }
    }

    [Fact]
    public async Task A_pre_commit_scan_refuses_EICAR_content_the_client_reads_550_and_nothing_is_left()
    {
        var scanner = HookServer.WriteScript(_scripts, "scan.py", """
            import os, sys
            with open(os.environ["FERRY_LOCAL_FILE"], "rb") as upload:
                content = upload.read()
            if len(content) != int(os.environ["FERRY_SIZE"]):
                print("size mismatch")
                sys.exit(1)
            if b"EICAR" in content:
                print("virus found: Eicar-Test-Signature")
                sys.exit(1)
            """);
        await using var ferry = await HookServer.StartAsync("hook-veto-scan", [new JsonObject
        {
            ["Name"] = "scan",
            ["Events"] = new JsonArray("pre-commit"),
            ["Command"] = HookServer.Python,
            ["Arguments"] = new JsonArray(scanner),
        }]);

        const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
        var result = await ferry.FtplibAsync("""
            ftp.storbinary("STOR clean.txt", io.BytesIO(b"just text\n" * 1000))
            try:
                ftp.storbinary("STOR infected.txt", io.BytesIO(b"padding\n" * 1000 + sys.argv[1].encode()))
                print("ACCEPTED")
            except ftplib.error_perm as refusal:
                print("REFUSED", refusal)
            """, Eicar);
        result.AssertSuccess();
        Assert.Contains("REFUSED 550 Upload refused: virus found: Eicar-Test-Signature", result.StdOut, StringComparison.Ordinal);

        // Not the file, not a hidden partial upload (AtomicUploads' temporary, AbortedUploads' kept bytes).
        Assert.Equal(["clean.txt"], Directory.GetFileSystemEntries(ferry.Home).Select(Path.GetFileName));
        Assert.Equal(10_000, new FileInfo(Path.Combine(ferry.Home, "clean.txt")).Length);
    }

    [Fact]
    public async Task A_webhook_veto_refuses_with_its_reason_and_one_that_does_not_answer_refuses_unless_FailOpen()
    {
        await using var partner = WebhookReceiver.Answering((_, request) =>
            request.Field("path")!.Contains("deny", StringComparison.Ordinal) ? (403, """{"reason":"not on the partner list"}""") : (200, "{}"));
        await using var dead = WebhookReceiver.Hanging();
        await using var ferry = await HookServer.StartAsync("hook-veto-url", [
            new JsonObject { ["Events"] = new JsonArray("pre-upload"), ["Url"] = partner.Url, ["Paths"] = new JsonArray("/partner/**") },
            new JsonObject { ["Events"] = new JsonArray("pre-upload"), ["Url"] = dead.Url, ["Paths"] = new JsonArray("/strict/*"), ["Timeout"] = "00:00:00.5" },
            new JsonObject { ["Events"] = new JsonArray("pre-upload"), ["Url"] = dead.Url, ["Paths"] = new JsonArray("/lenient/*"), ["Timeout"] = "00:00:00.5", ["FailOpen"] = true },
        ]);
        var file = Path.Combine(_scripts, "data.csv");
        Directory.CreateDirectory(_scripts);
        await File.WriteAllTextAsync(file, "a,b\n1,2\n");

        // curl makes each folder (MKD) on the way: the account the server runs as owns them.
        var denied = await ferry.UploadAsync(file, "/partner/deny.csv", "-v", "--ftp-create-dirs");
        Assert.Contains("< 550 Upload refused: not on the partner list", denied.StdErr, StringComparison.Ordinal);
        (await ferry.UploadAsync(file, "/partner/ok.csv", "--ftp-create-dirs")).AssertSuccess();
        var strict = await ferry.UploadAsync(file, "/strict/a.csv", "-v", "--ftp-create-dirs");
        Assert.Contains("< 550 Upload refused: upload check unavailable", strict.StdErr, StringComparison.Ordinal);
        (await ferry.UploadAsync(file, "/lenient/a.csv", "--ftp-create-dirs")).AssertSuccess();

        Assert.Equal(["ok.csv"], Directory.GetFileSystemEntries(Path.Combine(ferry.Home, "partner")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(ferry.Home, "strict")));
        Assert.True(File.Exists(Path.Combine(ferry.Home, "lenient", "a.csv")));
        Assert.Equal("pre-upload", (await partner.WaitForEventAsync("pre-upload")).Header("X-Ferry-Event"));
        await ferry.Harness.WaitForEventAsync(7406, "allowed (FailOpen)");
    }

    public void Dispose()
    {
        if (Directory.Exists(_scripts))
        {
            Directory.Delete(_scripts, recursive: true);
        }
    }
}
