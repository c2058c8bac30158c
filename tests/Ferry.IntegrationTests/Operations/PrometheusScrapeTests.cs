using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Operations;

/// <summary>
/// The issue's check: a real Prometheus scrapes a real `ferry serve`'s /metrics every second, and
/// its query API shows the counters move while curl uploads and downloads.
/// </summary>
[Collection(PrometheusCollection.Name)]
public sealed class PrometheusScrapeTests(PrometheusServer prometheus)
{
    [Fact]
    public async Task Prometheus_sees_bytes_and_transfers_move_while_curl_uploads_and_downloads()
    {
        await using var ferry = await OperationsFerry.StartAsync();
        var instance = await prometheus.AddTargetAsync(ferry.OperationsPort);
        string Of(string metric, string labels = "") => $"sum({metric}{{instance=\"{instance}\"{labels}}})";

        // Scraped: the target is up and the meter's gauges are there before any transfer.
        Assert.True(await prometheus.WaitForAsync($"up{{instance=\"{instance}\"}}", up => up == 1) == 1, "Prometheus never scraped Ferry: " + prometheus.Log);
        Assert.NotNull(await prometheus.WaitForAsync(Of("ferry_sessions_active"), _ => true));
        Assert.Null(await prometheus.QueryAsync(Of("ferry_transfer_io_bytes_total", ",network_io_direction=\"receive\"")));

        using var local = new TempFolder("prometheus");
        var source = local.Combine("upload.bin");
        var bytes = FileTree.WriteRandomFile(source, 3 * 1024 * 1024 + 7);
        (await OperationsFerry.CurlAsync("-T", source, ferry.FtpUrl + "upload.bin")).AssertSuccess();

        var received = await prometheus.WaitForAsync(Of("ferry_transfer_io_bytes_total", ",network_io_direction=\"receive\""), value => value >= bytes.Length);
        Assert.Equal(bytes.Length, received);
        Assert.Equal(1, await prometheus.WaitForAsync(Of("ferry_transfers_total", ",ferry_transfer_direction=\"upload\",ferry_transfer_result=\"ok\""), value => value >= 1));
        Assert.Equal(1, await prometheus.WaitForAsync(Of("ferry_logins_total", ",ferry_login_result=\"ok\""), value => value >= 1));

        (await OperationsFerry.CurlAsync("-o", local.Combine("back.bin"), ferry.FtpUrl + "upload.bin")).AssertSuccess();
        (await OperationsFerry.CurlAsync("-o", local.Combine("again.bin"), ferry.FtpUrl + "upload.bin")).AssertSuccess();
        Assert.Equal(FileTree.Sha256(bytes), FileTree.Sha256OfFile(local.Combine("back.bin")));

        Assert.Equal(2, await prometheus.WaitForAsync(Of("ferry_transfers_total", ",ferry_transfer_direction=\"download\",ferry_transfer_result=\"ok\""), value => value >= 2));
        Assert.Equal(2.0 * bytes.Length, await prometheus.WaitForAsync(Of("ferry_transfer_io_bytes_total", ",network_io_direction=\"transmit\""), value => value >= 2.0 * bytes.Length));

        // The histogram: one upload and two downloads observed, in seconds.
        Assert.Equal(3, await prometheus.WaitForAsync(Of("ferry_transfer_duration_seconds_count"), value => value >= 3));
        Assert.True(await prometheus.QueryAsync(Of("ferry_transfer_duration_seconds_sum")) > 0);
        Assert.Equal(3, await prometheus.WaitForAsync(Of("ferry_logins_total", ",ferry_login_result=\"ok\""), value => value >= 3));
    }
}
