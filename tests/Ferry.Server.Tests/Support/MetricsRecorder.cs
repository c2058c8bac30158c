using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Ferry.Server.Tests.Support;

/// <summary>
/// A <see cref="MeterListener"/> on one server's meter: tests run many servers at once, each with
/// its own meter named "Ferry", so instruments are matched by the meter object, not its name.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MetricsRecorder(FtpServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var meter = server.Metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of what <paramref name="instrument"/> recorded with all of <paramref name="tags"/> ("key=value").</summary>
    public double Sum(string instrument, params string[] tags) => Matching(instrument, tags).Sum(m => m.Value);

    /// <summary>How many measurements <paramref name="instrument"/> recorded with all of <paramref name="tags"/>.</summary>
    public int Count(string instrument, params string[] tags) => Matching(instrument, tags).Count();

    /// <summary>The tag sets <paramref name="instrument"/> recorded, as "key=value" lists.</summary>
    public IReadOnlyList<string[]> TagsOf(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument).Select(m => m.Tags.Select(Text).ToArray())];

    /// <summary>Reads the observable instruments now and returns their latest value for the tags.</summary>
    public double Observe(string instrument, params string[] tags)
    {
        var before = _measurements.Count;
        _listener.RecordObservableInstruments();
        return _measurements.Skip(before).Where(m => m.Instrument == instrument && HasTags(m.Tags, tags)).Select(m => m.Value).DefaultIfEmpty(double.NaN).Last();
    }

    /// <summary>Waits up to 10 s for <paramref name="instrument"/>'s sum to reach <paramref name="expected"/> (recorded after a reply, on the session's own path).</summary>
    public async Task<double> WaitForSumAsync(string instrument, double expected, params string[] tags)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Sum(instrument, tags) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return Sum(instrument, tags);
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measurements.Enqueue((instrument.Name, value, tags.ToArray()));

    private IEnumerable<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> Matching(string instrument, string[] tags) =>
        _measurements.Where(m => m.Instrument == instrument && HasTags(m.Tags, tags));

    private static bool HasTags(KeyValuePair<string, object?>[] recorded, string[] wanted) =>
        wanted.All(tag => recorded.Any(pair => Text(pair) == tag));

    private static string Text(KeyValuePair<string, object?> pair) =>
        pair.Key + "=" + (pair.Value is bool flag ? (flag ? "true" : "false") : Convert.ToString(pair.Value, System.Globalization.CultureInfo.InvariantCulture));
}
