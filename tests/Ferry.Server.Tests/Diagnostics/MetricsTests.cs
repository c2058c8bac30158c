using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Ferry.Server.Security;
using Ferry.Server.Security.Tls;
using Ferry.Server.Tests.Commands;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Diagnostics;

/// <summary>
/// The "Ferry" meter against a real server: real logins, transfers, bans and TLS refusals move
/// exactly the instruments and tags they should (FerryMetrics). Each test listens to its own
/// server's meter only, so tests running at the same time do not add to each other's counts.
/// </summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Logins_are_counted_by_result()
    {
        await using var server = await TestServer.StartAsync();
        using var metrics = new MetricsRecorder(server.Server);
        await using var ftp = await server.ConnectAsync(login: false);

        await ftp.CommandAsync("USER " + TestServer.UserName, 331);
        await ftp.CommandAsync("PASS wrong", 530);
        await ftp.CommandAsync("USER nobody-here", 331);
        await ftp.CommandAsync("PASS wrong", 530);
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);

        // Counted as the PASS handler returns, just after its reply.
        Assert.Equal(1, await metrics.WaitForSumAsync("ferry.logins", 1, "ferry.login.result=ok"));
        Assert.Equal(2, metrics.Sum("ferry.logins", "ferry.login.result=failed"));
        Assert.Equal(0, metrics.Sum("ferry.logins", "ferry.login.result=refused"));
    }

    [Fact]
    public async Task A_login_refused_for_plain_text_counts_as_refused_not_failed()
    {
        await using var server = await TestServer.StartAsync();
        using var metrics = new MetricsRecorder(server.Server);
        await server.AddUserAsync("tlsonly", "a long password here", UserPermissions.All, requireTls: true);
        await using var ftp = await server.ConnectAsync(login: false);

        await ftp.CommandAsync("USER tlsonly", 331);
        await ftp.CommandAsync("PASS a long password here", 530);

        Assert.Equal(1, await metrics.WaitForSumAsync("ferry.logins", 1, "ferry.login.result=refused"));
        Assert.Equal(0, metrics.Sum("ferry.logins", "ferry.login.result=failed"));
    }

    [Fact]
    public async Task An_upload_a_download_and_a_listing_add_their_bytes_once_each_with_direction_and_result()
    {
        await using var server = await TestServer.StartAsync();
        using var metrics = new MetricsRecorder(server.Server);
        await using var ftp = await server.ConnectAsync();
        var content = new byte[300_001];
        Random.Shared.NextBytes(content);

        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.UploadAsync(ftp, "STOR up.bin", content);
        var back = await DataHelpers.DownloadAsync(ftp, "RETR up.bin");
        var listing = await DataHelpers.DownloadAsync(ftp, "LIST");
        await ftp.CommandAsync("NOOP", 200);

        Assert.Equal(content, back);
        Assert.Equal(1, await metrics.WaitForSumAsync("ferry.transfers", 1, "ferry.transfer.direction=upload", "ferry.transfer.result=ok"));
        Assert.Equal(1, metrics.Sum("ferry.transfers", "ferry.transfer.direction=download", "ferry.transfer.result=ok"));
        Assert.Equal(1, metrics.Sum("ferry.transfers", "ferry.transfer.direction=listing", "ferry.transfer.result=ok"));
        Assert.Equal(3, metrics.Sum("ferry.transfers"));

        Assert.Equal(content.Length, metrics.Sum("ferry.transfer.io", "network.io.direction=receive"));
        Assert.Equal(content.Length + listing.Length, metrics.Sum("ferry.transfer.io", "network.io.direction=transmit"));

        // One duration per file transfer, one per listing, each in its own histogram.
        Assert.Equal(1, metrics.Count("ferry.transfer.duration", "ferry.transfer.direction=upload", "ferry.transfer.result=ok"));
        Assert.Equal(1, metrics.Count("ferry.transfer.duration", "ferry.transfer.direction=download", "ferry.transfer.result=ok"));
        Assert.Equal(2, metrics.Count("ferry.transfer.duration"));
        Assert.Equal(1, metrics.Count("ferry.listing.duration", "ferry.transfer.result=ok"));
        Assert.True(metrics.Sum("ferry.transfer.duration") > 0, "a transfer took no time");
    }

    [Fact]
    public async Task An_aborted_download_is_counted_as_aborted_not_as_the_whole_file()
    {
        await using var server = await TestServer.StartAsync();
        using var metrics = new MetricsRecorder(server.Server);
        await using var ftp = await server.ConnectAsync();
        using var data = await DataHelpers.StartLargeDownloadAsync(server, ftp);
        var buffer = new byte[65536];
        var received = await data.ReceiveAsync(buffer, SocketFlags.None);
        Assert.True(received > 0);

        await ftp.SendAsync("ABOR");
        await ftp.ExpectAsync(426);
        await ftp.ExpectAsync(226);

        Assert.Equal(1, await metrics.WaitForSumAsync("ferry.transfers", 1, "ferry.transfer.direction=download", "ferry.transfer.result=aborted"));
        Assert.Equal(0, metrics.Sum("ferry.transfers", "ferry.transfer.result=ok"));
        // What the transfer counted, not the file's size: sendfile counts whole chunks (up to 4 MiB)
        // as they complete, so the cut chunk is not in it.
        var sent = metrics.Sum("ferry.transfer.io", "network.io.direction=transmit");
        Assert.True(sent < 200L * 1024 * 1024, $"transmit {sent} for an aborted download of which the client read {received}");
    }

    [Fact]
    public async Task Sessions_active_are_observed_by_login_state_and_ended_sessions_by_how_they_ended()
    {
        await using var server = await TestServer.StartAsync(options => options.IdleTimeout = TimeSpan.FromSeconds(3));
        using var metrics = new MetricsRecorder(server.Server);
        var quitting = await server.ConnectAsync();
        var anonymous = await server.ConnectAsync(login: false);
        await server.WaitForSessionsAsync(2);

        Assert.Equal(1, metrics.Observe("ferry.sessions.active", "ferry.session.state=logged_in"));
        Assert.Equal(1, metrics.Observe("ferry.sessions.active", "ferry.session.state=not_logged_in"));

        await quitting.CommandAsync("QUIT", 221);
        await quitting.DisposeAsync();
        await anonymous.DisposeAsync();
        var idle = await server.ConnectAsync();
        await idle.ExpectAsync(421);
        Assert.True(await idle.IsClosedByServerAsync(), "the idle session was not closed");
        await idle.DisposeAsync();
        await server.WaitForSessionsAsync(0);

        Assert.Equal(1, await metrics.WaitForSumAsync("ferry.sessions", 1, "ferry.session.end=quit"));
        Assert.Equal(1, await metrics.WaitForSumAsync("ferry.sessions", 1, "ferry.session.end=client_closed"));
        Assert.Equal(1, await metrics.WaitForSumAsync("ferry.sessions", 1, "ferry.session.end=timeout"));
        Assert.Equal(0, metrics.Observe("ferry.sessions.active", "ferry.session.state=logged_in"));
        Assert.Equal(0, metrics.Observe("ferry.sessions.active", "ferry.session.state=not_logged_in"));
    }

    [Fact]
    public async Task A_ban_is_counted_once_when_it_is_set()
    {
        await using var server = await TestServer.StartAsync(options =>
        {
            options.BanFailedLogins = 2;
            options.BanAllowList = [];
            options.MaxLoginAttempts = 10;
        });
        using var metrics = new MetricsRecorder(server.Server);
        await using var ftp = await server.ConnectAsync(login: false);

        await ftp.CommandAsync("USER " + TestServer.UserName, 331);
        await ftp.CommandAsync("PASS wrong", 530);
        await ftp.CommandAsync("USER " + TestServer.UserName, 331);
        await ftp.CommandAsync("PASS wrong", 421);

        Assert.Equal(1, metrics.Sum("ferry.bans"));
        Assert.Equal(2, await metrics.WaitForSumAsync("ferry.logins", 2, "ferry.login.result=failed"));

        // The banned address is refused at connect: no further ban, and no session.
        using var again = new TcpClient();
        await again.ConnectAsync(server.EndPoint);
        Assert.Equal(1, metrics.Sum("ferry.bans"));
        Assert.Equal(1, await metrics.WaitForSumAsync("ferry.sessions", 1, "ferry.session.end=server_closed"));
    }

    [Fact]
    public async Task Passive_listeners_are_observed_while_open_and_given_back_after_the_transfer()
    {
        var range = $"{Random.Shared.Next(20000, 30000)}";
        await using var server = await TestServer.StartAsync(options => options.PassivePorts = $"{range}-{int.Parse(range, System.Globalization.CultureInfo.InvariantCulture) + 9}");
        using var metrics = new MetricsRecorder(server.Server);
        await using var ftp = await server.ConnectAsync();
        await File.WriteAllTextAsync(server.PathOf("a.txt"), "hello");

        Assert.Equal(10, metrics.Observe("ferry.passive_ports.limit"));
        Assert.Equal(0, metrics.Observe("ferry.passive_ports.used"));
        await ftp.CommandAsync("EPSV", 229);
        Assert.Equal(1, metrics.Observe("ferry.passive_ports.used"));

        // A new EPSV closes the unused listener first; the one the client connects to closes at its accept.
        var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync("RETR a.txt");
        await ftp.ExpectAsync(150);
        Assert.Equal("hello"u8.ToArray(), await WireClient.ReadAllAsync(data));
        await ftp.ExpectAsync(226);
        Assert.Equal(0, metrics.Observe("ferry.passive_ports.used"));
    }

    [Fact]
    public async Task A_rate_limited_download_adds_its_waits_and_their_time_when_it_ends()
    {
        const int RateBytesPerSecond = 100 * 1024;
        await using var server = await TestServer.StartAsync(options => options.DownloadRateLimit = RateBytesPerSecond);
        using var metrics = new MetricsRecorder(server.Server);
        await using var ftp = await server.ConnectAsync();
        await File.WriteAllBytesAsync(server.PathOf("slow.bin"), new byte[RateBytesPerSecond / 2]);

        await ftp.CommandAsync("TYPE I", 200);
        await DataHelpers.DownloadAsync(ftp, "RETR slow.bin");

        var waits = await metrics.WaitForSumAsync("ferry.rate_limit.waits", 1, "ferry.transfer.direction=download");
        Assert.True(waits >= 2, $"a half-second download at its limit waited {waits} times");
        // Recorded just after the count, at the transfer's end (which follows its 226): waited for too.
        var waited = await metrics.WaitForSumAsync("ferry.rate_limit.wait_time", 0.2, "ferry.transfer.direction=download");
        Assert.InRange(waited, 0.2, 2.0);
    }

    [Fact]
    public async Task Tls_handshakes_are_counted_for_control_and_data_and_a_refused_data_connection_too()
    {
        await using var server = await TestServer.StartAsync(options => options.DataTlsSessionReuse = SessionReusePolicy.Required);
        using var metrics = new MetricsRecorder(server.Server);
        await File.WriteAllTextAsync(server.PathOf("a.txt"), "hello");
        await using var ftp = await server.ConnectAsync(login: false);
        await ftp.CommandAsync("AUTH TLS", 234);
        await ftp.StartTlsAsync(SslProtocols.Tls13);
        await ftp.LoginAsync(TestServer.UserName, TestServer.Password);
        await ftp.CommandAsync("PBSZ 0", 200);
        await ftp.CommandAsync("PROT P", 200);

        // A data connection that starts a fresh TLS session (another name, so nothing cached to
        // resume) is not the login's: with DataTlsSessionReuse=Required it is refused (425).
        var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync("RETR a.txt");
        await ftp.ExpectAsync(150);
        await using (var network = new NetworkStream(data, ownsSocket: true))
        {
            await using var tls = new SslStream(network, leaveInnerStreamOpen: true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "fresh-session-" + Guid.NewGuid().ToString("N"),
                EnabledSslProtocols = SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Subject.Contains("Ferry FTP server (self-signed)", StringComparison.Ordinal) == true,
            });
            await ftp.ExpectAsync(425);
        }

        Assert.Equal(1, metrics.Sum("ferry.tls.handshakes", "ferry.tls.connection=control", "tls.resumed=false"));
        Assert.Equal(1, metrics.Sum("ferry.tls.handshakes", "ferry.tls.connection=data", "tls.resumed=false"));
        Assert.Equal(1, metrics.Sum("ferry.tls.data_reuse.refusals"));
        Assert.Equal(1, await metrics.WaitForSumAsync("ferry.transfers", 1, "ferry.transfer.direction=download", "ferry.transfer.result=no_connection"));
    }

    [Fact]
    public async Task The_meter_is_Ferry_and_says_nothing_that_names_a_user_a_path_or_an_address()
    {
        await using var server = await TestServer.StartAsync();
        using var metrics = new MetricsRecorder(server.Server);
        await using var ftp = await server.ConnectAsync();
        await DataHelpers.UploadAsync(ftp, "STOR secret-name.bin", [1, 2, 3]);
        await ftp.CommandAsync("QUIT", 221);
        await metrics.WaitForSumAsync("ferry.sessions", 1);

        Assert.Equal("Ferry", server.Server.Metrics.Meter.Name);
        var every = new[] { "ferry.logins", "ferry.transfers", "ferry.transfer.io", "ferry.transfer.duration", "ferry.sessions" }
            .SelectMany(metrics.TagsOf).SelectMany(tags => tags).Distinct().ToList();
        Assert.NotEmpty(every);
        Assert.DoesNotContain(every, tag => tag.Contains(TestServer.UserName, StringComparison.Ordinal)
            || tag.Contains("secret-name", StringComparison.Ordinal) || tag.Contains("127.0.0.1", StringComparison.Ordinal));
    }
}
