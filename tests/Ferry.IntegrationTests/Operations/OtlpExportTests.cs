using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Operations;

/// <summary>
/// OTLP export with Operations:OtlpEndpoint (HTTP/protobuf) and Operations:Traces: a real
/// `ferry serve` pushes its metrics and the traces of a curl login and upload to the collector's
/// address. No OpenTelemetry collector is packaged for Debian 12 (nor is Prometheus' OTLP
/// receiver in its 2.42), so the receiving end here is a plain HTTP listener that keeps what it is
/// sent; protobuf carries names and string values as UTF-8, so they can be looked for in the bytes.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Metrics_and_traces_are_pushed_to_the_OTLP_endpoint_when_it_is_set()
    {
        var port = FerryProcess.FreePort();
        using var receiver = new OtlpReceiver(port);
        await using var ferry = await OperationsFerry.StartAsync(new JsonObject
        {
            ["Operations"] = new JsonObject
            {
                ["OtlpEndpoint"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                ["OtlpProtocol"] = "HttpProtobuf",
                ["OtlpExportIntervalSeconds"] = 1,
                ["Traces"] = true,
            },
        });

        // The console logger writes from a queue of its own: the line may follow "ready".
        for (var wait = 0; wait < 50 && !ferry.Process.Output.Contains("over OTLP", StringComparison.Ordinal); wait++)
        {
            await Task.Delay(100);
        }

        Assert.Contains("Exporting metrics and traces over OTLP (HttpProtobuf)", ferry.Process.Output, StringComparison.Ordinal);

        using var local = new TempFolder("otlp");
        var source = local.Combine("traced upload.bin");
        FileTree.WriteRandomFile(source, 100_000);
        (await OperationsFerry.CurlAsync("-T", source, ferry.FtpUrl + "traced%20upload.bin")).AssertSuccess();

        var metrics = await receiver.WaitForAsync("/v1/metrics", "ferry.transfers");
        Assert.Contains("ferry.transfer.io", metrics, StringComparison.Ordinal);
        Assert.Contains("application/x-protobuf", receiver.ContentTypes, StringComparer.Ordinal);

        var traces = await receiver.WaitForAsync("/v1/traces", "/traced upload.bin");
        Assert.Contains("ferry.transfer", traces, StringComparison.Ordinal);
        Assert.Contains("ferry.login", traces, StringComparison.Ordinal);
        Assert.Contains(OperationsFerry.User, traces, StringComparison.Ordinal);
    }

    /// <summary>Accepts OTLP/HTTP posts and keeps each body (as Latin-1 text, so any byte survives) by path.</summary>
    private sealed class OtlpReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, string Body)> _posts = new();
        private readonly Task _loop;

        public OtlpReceiver(int port)
        {
            _listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            _listener.Start();
            _loop = Task.Run(ReceiveAsync);
        }

        public ConcurrentBag<string> ContentTypes { get; } = [];

        /// <summary>Waits (up to 30 s: an export a second) for a post to <paramref name="path"/> that contains <paramref name="text"/>; returns all posts there.</summary>
        public async Task<string> WaitForAsync(string path, string text)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                var all = string.Concat(_posts.Where(post => post.Path == path).Select(post => post.Body));
                if (all.Contains(text, StringComparison.Ordinal))
                {
                    return all;
                }

                await Task.Delay(100);
            }

            Assert.Fail($"nothing containing '{text}' was posted to {path}; posts: {string.Join(", ", _posts.Select(post => post.Path))}");
            return string.Empty;
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }

        private async Task ReceiveAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                ContentTypes.Add(context.Request.ContentType ?? string.Empty);
                _posts.Enqueue((context.Request.Url!.AbsolutePath, Encoding.Latin1.GetString(body.ToArray())));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }
    }
}
