using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Ferry.Administration;

/// <summary>
/// The dashboard's feeds: GET /api/live, Server-Sent Events with a snapshot of every session once
/// a second, and GET /api/throughput, the last five minutes for the chart. A stream ends after
/// <see cref="StreamLifetime"/> (EventSource reconnects by itself, and the reconnection passes the
/// gate again, so a signed-out page stops receiving), when the client goes, or when the server stops.
/// At most <see cref="MaxStreams"/> streams at once, so open pages cannot take every connection.
/// </summary>
internal static class LiveEndpoints
{
    public const int MaxStreams = 32;

    /// <summary>
    /// Sessions per snapshot: a page shows what a person can read, and a server with 10,000 idle
    /// sessions would otherwise send each open page about 2.5 MB a second. Sessions with a transfer
    /// come first; the counts are of all of them, and GET /api/sessions pages through the rest.
    /// </summary>
    public const int MaxSessions = 500;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StreamLifetime = TimeSpan.FromMinutes(10);
    private static int _streams;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/live", Live).WithTags("Live").Produces<LiveSnapshot>(contentType: "text/event-stream");
        api.MapGet("/throughput", (ThroughputHistory history) => TypedResults.Ok(new ThroughputList(history.Points))).WithTags("Live");
    }

    private static IResult Live(HttpContext context, AdminServices admin, ThroughputHistory history, IHostApplicationLifetime lifetime)
    {
        // Counted while a stream runs (in the enumeration, so a stream that never starts counts nothing).
        if (Volatile.Read(ref _streams) >= MaxStreams)
        {
            return AdminProblems.Unavailable($"{MaxStreams} live streams are open already; close a page and try again.");
        }

        return TypedResults.ServerSentEvents(SnapshotsAsync(admin, history, context.RequestAborted, lifetime.ApplicationStopping));
    }

    private static async IAsyncEnumerable<SseItem<LiveSnapshot>> SnapshotsAsync(
        AdminServices admin, ThroughputHistory history, [EnumeratorCancellation] CancellationToken aborted, CancellationToken stopping)
    {
        Interlocked.Increment(ref _streams);
        try
        {
            using var ending = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
            ending.CancelAfter(StreamLifetime);
            using var timer = new PeriodicTimer(Interval, admin.Time);
            do
            {
                var rates = history.Latest;
                var sessions = admin.Server?.ListSessions() ?? [];
                var shown = sessions.OrderBy(session => session.Transfer is null).Take(MaxSessions).Select(SessionView.Of);
                yield return new SseItem<LiveSnapshot>(
                    new LiveSnapshot(admin.Time.GetUtcNow(), [.. shown], rates.UploadBytesPerSecond, rates.DownloadBytesPerSecond,
                        sessions.Count, sessions.Count(session => session.Transfer is not null)),
                    "snapshot");
            }
            while (await Tick(timer, ending.Token));
        }
        finally
        {
            Interlocked.Decrement(ref _streams);
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
