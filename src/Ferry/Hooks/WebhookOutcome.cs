namespace Ferry.Hooks;

/// <summary>How one POST of a webhook ended.</summary>
/// <param name="Status">The HTTP status; null when no answer came (a timeout, a refused connection).</param>
/// <param name="Body">The start of the response body (at most <see cref="Webhook.MaxBodyBytes"/>), as UTF-8 text.</param>
/// <param name="Error">Why there is no status; null when there is one.</param>
internal readonly record struct WebhookOutcome(int? Status, string Body, string? Error)
{
    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>Worth another try: no answer, a server error, 408 Request Timeout or 429 Too Many Requests. Other 4xx say the request itself is refused.</summary>
    public bool Retryable => Status is null or >= 500 or 408 or 429;

    public string Describe() => Error ?? $"HTTP {Status}";
}
