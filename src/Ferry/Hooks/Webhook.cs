using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Ferry.Hooks;

/// <summary>
/// A hook's URL: the event's JSON POSTed with its own HttpClient and handler (its own connection
/// pool, so one slow receiver holds no connection another hook needs). No redirects (a 3xx is an
/// answer, not a new address to send the event to), no proxy, and each attempt bounded by the
/// hook's Timeout from connect to the last byte of the (bounded) response.
/// Headers: User-Agent Ferry/VERSION, X-Ferry-Event, X-Ferry-Delivery (the event id: the same in
/// every attempt), X-Ferry-Attempt, X-Ferry-Timestamp (Unix seconds of this attempt) and, with a
/// Secret, X-Ferry-Signature (<see cref="WebhookSignature"/>).
/// </summary>
internal sealed class Webhook : IDisposable
{
    /// <summary>The response body read at most: a veto's {"reason": ...}, not a page.</summary>
    public const int MaxBodyBytes = 4096;

    private readonly HttpClient _client;
    private readonly byte[]? _secret;
    private readonly TimeProvider _time;

    public Webhook(Uri url, string? secret, TimeSpan timeout, TimeProvider time)
    {
        Url = url;
        _secret = string.IsNullOrEmpty(secret) ? null : Encoding.UTF8.GetBytes(secret);
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectTimeout = timeout,
            // Connections are renewed, so a receiver behind DNS that moves is found again.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Ferry", typeof(Webhook).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    public Uri Url { get; }

    public async Task<WebhookOutcome> PostAsync(HookEvent hookEvent, byte[] payload, int attempt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("X-Ferry-Event", hookEvent.Name);
        request.Headers.Add("X-Ferry-Delivery", hookEvent.Id);
        request.Headers.Add("X-Ferry-Attempt", attempt.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        if (_secret is not null)
        {
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Compute(_secret, timestamp, payload));
        }

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var body = await ReadBoundedAsync(response.Content, deadline.Token);
            return new WebhookOutcome((int)response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookOutcome(null, string.Empty, $"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new WebhookOutcome(null, string.Empty, e.HttpRequestError + ": " + e.Message);
        }
        catch (IOException e)
        {
            return new WebhookOutcome(null, string.Empty, "connection lost: " + e.Message);
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBodyBytes];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, filled);
    }

    public void Dispose() => _client.Dispose();
}
