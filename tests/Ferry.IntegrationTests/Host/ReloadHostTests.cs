using System.Diagnostics;
using System.Globalization;
using Ferry.IntegrationTests.Support;
using Ferry.Server.Tests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// SIGHUP on a running `ferry serve` (issue 14, "Reload on SIGHUP"): the config file and the
/// certificate are read again; new sessions get the new settings and certificate while a
/// transfer and an FTPES session from before go on untouched; a broken configuration or
/// certificate is refused with one log line and changes nothing; a setting only a restart can
/// change is logged and kept.
/// </summary>
public sealed class ReloadHostTests
{
    private const int ReloadRefused = 7202;
    private const int ReloadKeptSetting = 7203;
    private const int Reloaded = 7204;
    private const int CertificateKept = 7251;

    [Fact]
    public async Task Sighup_gives_new_clients_the_new_limit_and_certificate_while_an_upload_and_an_ftpes_session_from_before_keep_theirs()
    {
        await using var ferry = await ServeHarness.CreateAsync("reload");
        var certificateA = TestCertificate.Write(ferry.Folder, "a");
        var certificateB = TestCertificate.Write(ferry.Folder, "b");
        // The uploader is another user, so bob's session count is the test's alone.
        const string UploaderPassword = "carol's long password";
        var uploaderHome = await ferry.AddUserAsync("carol", UploaderPassword);
        var hello = FileTree.WriteRandomFile(Path.Combine(ferry.Home, "hello.bin"), 200_000);
        ferry.WriteConfig(Settings(certificateA, maxSessionsPerUser: 1));
        await ferry.StartAsync();
        Assert.Equal(certificateA.Sha256, await ferry.NewClientCertificateSha256Async());

        // Bob's one session: FTPES whose protected data connections resume its TLS session.
        await using var held = LineClient.Start("python3", Path.Combine("Scripts", "ftps_held_session.py"),
            "127.0.0.1", Port(ferry.Port), ServeHarness.UserName, ServeHarness.Password);
        Assert.Equal("control " + certificateA.Sha256, await held.ReadLineAsync());
        var expectedRetr = $"retr {FileTree.Sha256(hello)} data-cert {certificateA.Sha256} reused True";
        Assert.Equal(expectedRetr, await held.AskAsync("retr hello.bin"));

        // An upload over FTPS that takes about 8 s (curl's own rate limit).
        var source = Path.Combine(ferry.Folder, "source.bin");
        var sent = FileTree.WriteRandomFile(source, 2 * 1024 * 1024);
        var upload = ClientProcess.RunAsync("curl", ["-sS", "-v", "--ssl-reqd", "-k", "--limit-rate", "256K", "-T", source,
            "-u", "carol:" + UploaderPassword, $"ftp://127.0.0.1:{Port(ferry.Port)}/upload.bin"], timeout: TimeSpan.FromSeconds(60));
        await WaitForUploadToBeginAsync(uploaderHome, upload);

        var (second, refused) = await ferry.TryLoginAsync();
        await using (second)
        {
            Assert.True(refused.Code == 421 && refused.Text.Contains("at most 1", StringComparison.Ordinal), refused.ToString());
        }

        ferry.WriteConfig(Settings(certificateB, maxSessionsPerUser: 2));
        ferry.Server.SendSignal("HUP");
        var reloaded = await ferry.WaitForEventAsync(Reloaded);
        Assert.False(upload.IsCompleted, "the upload ended before the reload, so it proves nothing: " + (upload.IsCompleted ? (await upload).Describe() : ""));
        Assert.Contains("info:", reloaded, StringComparison.Ordinal);
        Assert.Contains("certificate SHA-256 " + certificateB.Sha256, reloaded, StringComparison.Ordinal);
        Assert.Empty(ferry.Events(ReloadRefused));
        Assert.Empty(ferry.Events(ReloadKeptSetting));

        // New clients: the new certificate, and the new limit (a second session of bob, not a third).
        Assert.Equal(certificateB.Sha256, await ferry.NewClientCertificateSha256Async());
        var (secondAfter, allowed) = await ferry.TryLoginAsync();
        await using (secondAfter)
        {
            Assert.True(allowed.Code == 230, allowed.ToString());
            var (third, refusedAgain) = await ferry.TryLoginAsync();
            await using (third)
            {
                Assert.True(refusedAgain.Code == 421 && refusedAgain.Text.Contains("at most 2", StringComparison.Ordinal), refusedAgain.ToString());
            }
        }

        // The FTPES session from before: its data connections still resume its TLS session, on certificate A.
        Assert.Equal(expectedRetr, await held.AskAsync("retr hello.bin"));
        Assert.Equal($"list hello.bin data-cert {certificateA.Sha256} reused True", await held.AskAsync("list"));

        // The upload that began before the reload ends with 226 and every byte.
        var uploaded = (await upload).AssertSuccess();
        Assert.Contains("< 226", uploaded.StdErr, StringComparison.Ordinal);
        Assert.Equal(FileTree.Sha256(sent), FileTree.Sha256OfFile(Path.Combine(uploaderHome, "upload.bin")));

        Assert.StartsWith("quit 221", await held.AskAsync("quit"), StringComparison.Ordinal);
        Assert.Equal(0, await ferry.StopAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Sighup_with_a_broken_config_or_certificate_is_refused_in_one_line_and_the_old_settings_and_certificate_stay()
    {
        await using var ferry = await ServeHarness.CreateAsync("reload-bad");
        var certificate = TestCertificate.Write(ferry.Folder, "a");
        ferry.WriteConfig(Settings(certificate, maxSessionsPerUser: 1));
        await ferry.StartAsync();
        await using var before = await ferry.LoginAsync();

        // Not JSON (an editor saved half a file), with a change inside that must not apply.
        ferry.WriteConfigText($$"""{ "DataDir": "{{ferry.DataDir}}", "Server": { "MaxSessionsPerUser": 5, """);
        var notJson = await RefusedAsync(ferry, 1);
        Assert.Contains($"config file '{ferry.ConfigFile}' is not valid JSON at line 1", notJson, StringComparison.Ordinal);
        await AssertOldSettingsServedAsync(ferry, certificate, before);

        // A value out of range beside a valid change: all or nothing.
        var outOfRange = Settings(certificate, maxSessionsPerUser: 5);
        outOfRange["MaxSessions"] = -5;
        ferry.WriteConfig(outOfRange);
        var badValue = await RefusedAsync(ferry, 2);
        Assert.Contains("Server:MaxSessions", badValue, StringComparison.Ordinal);
        Assert.Contains("must be 0 (no limit) or more", badValue, StringComparison.Ordinal);
        await AssertOldSettingsServedAsync(ferry, certificate, before);

        // A certificate file that does not load (a renewal gone wrong), again with a change beside it.
        var broken = Path.Combine(ferry.Folder, "broken.crt.pem");
        await File.WriteAllTextAsync(broken, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        var brokenCertificate = Settings(certificate, maxSessionsPerUser: 5);
        brokenCertificate["CertificateFile"] = broken;
        ferry.WriteConfig(brokenCertificate);
        var badCertificate = await RefusedAsync(ferry, 3);
        Assert.Contains("Server:CertificateFile", badCertificate, StringComparison.Ordinal);
        await AssertOldSettingsServedAsync(ferry, certificate, before);
        Assert.Empty(ferry.Events(Reloaded));

        // The reloader is alive after three refusals: a good file applies.
        ferry.WriteConfig(Settings(certificate, maxSessionsPerUser: 2));
        ferry.Server.SendSignal("HUP");
        await ferry.WaitForEventAsync(Reloaded);
        var (second, allowed) = await ferry.TryLoginAsync();
        await using (second)
        {
            Assert.True(allowed.Code == 230, allowed.ToString());
        }

        Assert.Equal(3, ferry.Events(ReloadRefused).Count);
        Assert.Equal(0, await ferry.StopAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Sighup_with_a_changed_port_keeps_listening_on_the_old_one_says_so_and_applies_the_rest()
    {
        await using var ferry = await ServeHarness.CreateAsync("reload-port");
        var certificate = TestCertificate.Write(ferry.Folder, "a");
        ferry.WriteConfig(Settings(certificate, maxSessionsPerUser: 1));
        await ferry.StartAsync();
        await using var before = await ferry.LoginAsync();

        var otherPort = FerryProcess.FreePort();
        ferry.WriteConfig(Settings(certificate, maxSessionsPerUser: 2), port: otherPort);
        ferry.Server.SendSignal("HUP");
        var kept = await ferry.WaitForEventAsync(ReloadKeptSetting);
        Assert.Contains("warn:", kept, StringComparison.Ordinal);
        Assert.Contains("Reload: Server:Port changed, but only a restart applies it; the running value is kept", kept, StringComparison.Ordinal);
        var reloaded = await ferry.WaitForEventAsync(Reloaded);
        Assert.Contains("1 setting(s) wait for a restart", reloaded, StringComparison.Ordinal);
        Assert.Single(ferry.Events(ReloadKeptSetting));

        Assert.True(await ServeHarness.AcceptsConnectionsAsync(ferry.Port), "the old port stopped listening");
        Assert.False(await ServeHarness.AcceptsConnectionsAsync(otherPort), $"something listens on the new port {otherPort}");
        await before.CommandAsync("NOOP", 200);
        var (second, allowed) = await ferry.TryLoginAsync();
        await using (second)
        {
            Assert.True(allowed.Code == 230, "MaxSessionsPerUser beside the port change did not apply: " + allowed);
        }

        Assert.Equal(0, await ferry.StopAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_session_from_before_a_reload_keeps_its_tls_requirements_new_ones_get_the_new_and_the_log_level_follows_for_all()
    {
        await using var ferry = await ServeHarness.CreateAsync("reload-session");
        ferry.WriteConfig(new Dictionary<string, object?> { ["RequireTls"] = "ExceptLoopback", ["RequireDataTls"] = "ExceptLoopback" }, logLevel: "Warning");
        await ferry.StartAsync();
        await using (var quiet = await ferry.LoginAsync())
        {
            await quiet.CommandAsync("NOOP", 200);
        }

        // Connected before the reload, logging in after it.
        await using var before = await ferry.ConnectAsync();
        ferry.WriteConfig(new Dictionary<string, object?> { ["RequireTls"] = "Everywhere", ["RequireDataTls"] = "Everywhere" }, logLevel: "Debug");
        ferry.Server.SendSignal("HUP");
        await ferry.WaitForEventAsync(Reloaded);
        // At Warning, the login before the reload left no line (the console logger writes in order, so it would stand before this one).
        var beforeReload = ferry.Server.Output[..ferry.Server.Output.IndexOf("Ferry[7204]", StringComparison.Ordinal)];
        Assert.DoesNotContain("Ferry[1002]", beforeReload, StringComparison.Ordinal);

        // New sessions: no plain-text login, even on loopback.
        await using (var after = await ferry.ConnectAsync())
        {
            var refused = await after.CommandAsync("USER " + ServeHarness.UserName, 530);
            Assert.Contains("TLS required", refused.Text, StringComparison.Ordinal);
        }

        // The session from before: its settings are the ones it started with, plain login and plain data included.
        await before.LoginAsync(ServeHarness.UserName, ServeHarness.Password);
        var data = await before.OpenPassiveAsync();
        await before.CommandAsync("NLST", 150);
        await WireClient.ReadAllAsync(data);
        await before.ExpectAsync(226);

        // The log level is the process's: Debug now, for every session (its commands, PASS masked; its login).
        var nlst = await ferry.WaitForEventAsync(2000, "NLST");
        Assert.Contains(ferry.Events(2000), line => line.Contains("PASS ****", StringComparison.Ordinal));
        Assert.DoesNotContain(ServeHarness.Password, ferry.Server.Output, StringComparison.Ordinal);
        Assert.Contains(ServeHarness.UserName, await ferry.WaitForEventAsync(1002), StringComparison.Ordinal);
        Assert.NotNull(nlst);
    }

    [RootFact("started as root, ferry serve drops to RunAsUser, which cannot enter a root-only certificate folder")]
    public async Task A_certificate_in_a_folder_only_root_may_enter_is_served_on_after_the_privilege_drop_and_a_reload_applies_the_rest()
    {
        await using var ferry = await ServeHarness.CreateAsync("reload-rootcert");
        // certbot's /etc/letsencrypt/live and archive are 0700 root: read at start, before the drop, and never again.
        var live = Path.Combine(ferry.Folder, "live");
        var certificate = TestCertificate.Write(live, "a");
        File.SetUnixFileMode(live, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        ferry.WriteConfig(Settings(certificate, maxSessionsPerUser: 1));
        await ferry.StartAsync();
        Assert.Equal(certificate.Sha256, await ferry.NewClientCertificateSha256Async());

        // The server looks for a renewed certificate every 5 s (TlsCertificateProvider); past that, new clients still get TLS.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(certificate.Sha256, await ferry.NewClientCertificateSha256Async());

        // A reload for another setting: the certificate stays (the log says it cannot be read again), the rest applies.
        await using var before = await ferry.LoginAsync();
        ferry.WriteConfig(Settings(certificate, maxSessionsPerUser: 2));
        ferry.Server.SendSignal("HUP");
        var reloaded = await ferry.WaitForEventAsync(Reloaded);
        Assert.Contains(certificate.Sha256, reloaded, StringComparison.Ordinal);
        var kept = Assert.Single(ferry.Events(CertificateKept));
        Assert.Contains("warn:", kept, StringComparison.Ordinal);
        Assert.Contains(certificate.CertificateFile, kept, StringComparison.Ordinal);
        Assert.Empty(ferry.Events(ReloadRefused));
        var (second, allowed) = await ferry.TryLoginAsync();
        await using (second)
        {
            Assert.True(allowed.Code == 230, "MaxSessionsPerUser did not apply: " + allowed);
        }

        Assert.Equal(certificate.Sha256, await ferry.NewClientCertificateSha256Async());
        Assert.Equal(0, await ferry.StopAsync(TimeSpan.FromSeconds(20)));
    }

    private static Dictionary<string, object?> Settings(TestCertificate certificate, int maxSessionsPerUser) => new()
    {
        ["CertificateFile"] = certificate.CertificateFile,
        ["CertificateKeyFile"] = certificate.KeyFile,
        ["MaxSessionsPerUser"] = maxSessionsPerUser,
    };

    /// <summary>SIGHUP, then exactly one more refusal line (the <paramref name="count"/>th), at Error level.</summary>
    private static async Task<string> RefusedAsync(ServeHarness ferry, int count)
    {
        ferry.Server.SendSignal("HUP");
        var line = await ferry.WaitForEventAsync(ReloadRefused, count);
        Assert.Contains("fail: Ferry[7202] Reload refused, the running configuration stays in force: ", line, StringComparison.Ordinal);
        Assert.False(ferry.ServerExited, "SIGHUP ended the server: " + ferry.Server.Errors);
        return line;
    }

    /// <summary>Bob's limit is still 1, new clients still get the old certificate, and the session from before still answers.</summary>
    private static async Task AssertOldSettingsServedAsync(ServeHarness ferry, TestCertificate certificate, WireClient before)
    {
        var (second, refused) = await ferry.TryLoginAsync();
        await using (second)
        {
            Assert.True(refused.Code == 421 && refused.Text.Contains("at most 1", StringComparison.Ordinal), refused.ToString());
        }

        Assert.Equal(certificate.Sha256, await ferry.NewClientCertificateSha256Async());
        await before.CommandAsync("NOOP", 200);
        Assert.Empty(ferry.Events(Reloaded));
    }

    /// <summary>Until the upload's first bytes are on disk (its hidden temporary file grows in the home).</summary>
    private static async Task WaitForUploadToBeginAsync(string home, Task<ClientResult> upload)
    {
        var clock = Stopwatch.StartNew();
        while (!Directory.EnumerateFiles(home, "*", SearchOption.AllDirectories).Any(file => new FileInfo(file).Length > 0))
        {
            Assert.False(upload.IsCompleted, "curl ended before its upload began: " + (upload.IsCompleted ? (await upload).Describe() : ""));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the upload did not begin within 20 s");
            await Task.Delay(25);
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
