using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Ferry.IntegrationTests.Host;

namespace Ferry.IntegrationTests.Hooks;

/// <summary>
/// A webhook receiver on 127.0.0.1 and a free port (HttpListener): it records every request and
/// answers as the test says: a status and a body, or nothing at all (null: the request hangs
/// until the receiver is disposed, as a receiver that accepted the connection and died would).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, ReceivedRequest, (int Status, string Body)?> _answer;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly ConcurrentBag<HttpListenerContext> _hanging = [];
    private readonly Task _loop;
    private int _count;
    private int _disposed;

    private WebhookReceiver(Func<int, ReceivedRequest, (int Status, string Body)?> answer)
    {
        _answer = answer;
        Port = FerryProcess.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/hook";

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>Answers every request 200 {}.</summary>
    public static WebhookReceiver Accepting() => new((_, _) => (200, "{}"));

    /// <summary>Never answers.</summary>
    public static WebhookReceiver Hanging() => new((_, _) => null);

    /// <summary>Answers the Nth request (1-based) as <paramref name="answer"/> says.</summary>
    public static WebhookReceiver Answering(Func<int, ReceivedRequest, (int Status, string Body)?> answer) => new(answer);

    /// <summary>Waits until <paramref name="count"/> requests match and returns them in arrival order.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(Func<ReceivedRequest, bool> match, int count = 1, TimeSpan? within = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = within ?? TimeSpan.FromSeconds(20);
        while (Requests.Count(match) < count && clock.Elapsed < limit)
        {
            await Task.Delay(20);
        }

        var found = Requests.Where(match).ToList();
        Assert.True(found.Count >= count, $"expected {count} matching request(s) within {limit}; got: {string.Join(Environment.NewLine, Requests.Select(r => r.Text))}");
        return found;
    }

    /// <summary>Waits for one request of <paramref name="eventName"/>.</summary>
    public async Task<ReceivedRequest> WaitForEventAsync(string eventName) => (await WaitForAsync(request => request.Event == eventName))[0];

    private async Task AcceptAsync()
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

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.Where(key => key is not null)
                .ToDictionary(key => key!, key => context.Request.Headers[key] ?? string.Empty, StringComparer.OrdinalIgnoreCase);
            var request = new ReceivedRequest(DateTimeOffset.UtcNow, context.Request.HttpMethod, context.Request.Url?.AbsolutePath ?? string.Empty, headers, body.ToArray());
            var number = Interlocked.Increment(ref _count);
            _requests.Enqueue(request);
            if (_answer(number, request) is not { } answer)
            {
                _hanging.Add(context);
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The server gave up on this request (its timeout): nothing to answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var context in _hanging)
        {
            try
            {
                context.Response.Abort();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }

        _listener.Stop();
        _listener.Close();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
