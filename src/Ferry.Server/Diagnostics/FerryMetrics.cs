using System.Diagnostics.Metrics;
using System.Net.Security;
using Ferry.Server.DataChannels;
using Ferry.Server.Protocol;
using Ferry.Server.Security.Tls;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// The server's metrics, in the shape of Kestrel's KestrelMetrics: one <see cref="Meter"/> named
/// "Ferry" per server, every instrument created once here, tags from small fixed sets of values
/// (never a user name, a path or an address: each distinct value is a time series kept for ever by
/// the monitoring system). Every method returns at once when no listener has enabled its
/// instrument, so a server nobody scrapes pays one field read per event. Nothing is recorded per
/// read or write: a transfer's bytes, duration and rate-limit waits are added once, at its end,
/// from its <see cref="TransferRecord"/>.
/// Names follow OpenTelemetry's semantic conventions where one exists (the attributes
/// <c>network.io.direction</c>, <c>tls.resumed</c>; "duration" histograms in seconds; "io" byte
/// counters); FTP has no conventions of its own, so the rest are <c>ferry.*</c>.
/// </summary>
internal sealed class FerryMetrics : IDisposable
{
    public const string MeterName = "Ferry";

    // Tag names: semantic-convention attributes where one fits, otherwise ferry.*.
    private const string SessionStateTag = "ferry.session.state";
    private const string SessionEndTag = "ferry.session.end";
    private const string LoginResultTag = "ferry.login.result";
    private const string DirectionTag = "ferry.transfer.direction";
    private const string ResultTag = "ferry.transfer.result";
    private const string IoDirectionTag = "network.io.direction";
    private const string TlsConnectionTag = "ferry.tls.connection";
    private const string TlsResumedTag = "tls.resumed";

    // Boxed once: a bool tag value would otherwise box at every recording.
    private static readonly object True = true;
    private static readonly object False = false;

    private readonly Counter<long> _sessions;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _bans;
    private readonly Counter<long> _transferIo;
    private readonly Counter<long> _transfers;
    private readonly Histogram<double> _transferDuration;
    private readonly Histogram<double> _listingDuration;
    private readonly Counter<long> _tlsHandshakes;
    private readonly Counter<long> _dataTlsReuseRefusals;
    private readonly Counter<long> _rateLimitWaits;
    private readonly Counter<double> _rateLimitWaitTime;

    /// <param name="sessions">Sessions now, and how many of them have not logged in (read when a listener collects).</param>
    /// <param name="passivePorts">The pool whose listeners are counted (read when a listener collects).</param>
    public FerryMetrics(Func<(int All, int NotLoggedIn)> sessions, PassivePortPool passivePorts)
    {
        Meter = new Meter(MeterName, typeof(FerryMetrics).Assembly.GetName().Version?.ToString());

        // Observed rather than counted up and down: exact even for sessions that began before a
        // listener attached (an up-down counter would see their end but not their start).
        Meter.CreateObservableUpDownCounter("ferry.sessions.active", () => ObserveSessions(sessions), "{session}",
            "Sessions open now (from accept to their last resource released), by whether they have logged in.");
        _sessions = Meter.CreateCounter<long>("ferry.sessions", "{session}", "Sessions ended, by how they ended.");
        _logins = Meter.CreateCounter<long>("ferry.logins", "{login}",
            "Login attempts (PASS) by result: ok, failed (wrong name or password), refused (banned, TLS required, session limits, home unusable).");
        _bans = Meter.CreateCounter<long>("ferry.bans", "{ban}", "Client networks banned after repeated failed logins (BanFailedLogins).");
        _transferIo = Meter.CreateCounter<long>("ferry.transfer.io", "By",
            "Bytes moved over data connections (files and listings), by direction: receive (uploads), transmit (downloads, listings). Added when each transfer ends.");
        _transfers = Meter.CreateCounter<long>("ferry.transfers", "{transfer}", "Data transfers ended, by direction (upload, download, listing) and result.");
        _transferDuration = Meter.CreateHistogram("ferry.transfer.duration", "s",
            "File transfers, from the transfer command to the final reply, by direction and result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900] });
        _listingDuration = Meter.CreateHistogram("ferry.listing.duration", "s",
            "Directory listings (LIST, NLST, MLSD), from the command to the final reply, by result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _tlsHandshakes = Meter.CreateCounter<long>("ferry.tls.handshakes", "{handshake}",
            "Completed TLS handshakes, by connection (control, data) and whether they resumed a session (tls.resumed, absent when it cannot be told).");
        _dataTlsReuseRefusals = Meter.CreateCounter<long>("ferry.tls.data_reuse.refusals", "{connection}",
            "TLS data connections refused because they did not resume the login's TLS session (DataTlsSessionReuse).");
        Meter.CreateObservableGauge("ferry.passive_ports.used", () => passivePorts.InUse, "{port}",
            "Passive listeners open now (PASV/EPSV waiting for their client's connection).");
        Meter.CreateObservableGauge("ferry.passive_ports.limit", () => ObserveCapacity(passivePorts), "{port}",
            "Ports in the PassivePorts range (absent when the system picks passive ports).");
        _rateLimitWaits = Meter.CreateCounter<long>("ferry.rate_limit.waits", "{wait}",
            "Times a transfer paused for a rate limit, by direction. Added when each transfer ends.");
        _rateLimitWaitTime = Meter.CreateCounter<double>("ferry.rate_limit.wait_time", "s",
            "Time transfers spent paused for rate limits, by direction. Added when each transfer ends.");
    }

    /// <summary>This server's meter; each server has its own (tests tell theirs apart by reference).</summary>
    public Meter Meter { get; }

    public void SessionEnded(SessionEnd end)
    {
        if (_sessions.Enabled)
        {
            _sessions.Add(1, new KeyValuePair<string, object?>(SessionEndTag, NameOf(end)));
        }
    }

    public void Login(LoginResult result)
    {
        if (_logins.Enabled)
        {
            _logins.Add(1, new KeyValuePair<string, object?>(LoginResultTag, NameOf(result)));
        }
    }

    public void Banned()
    {
        if (_bans.Enabled)
        {
            _bans.Add(1);
        }
    }

    /// <summary>Everything one transfer adds, once, as it ends.</summary>
    public void TransferEnded(in TransferRecord transfer, TransferThrottle? throttle)
    {
        if (!(_transfers.Enabled || _transferIo.Enabled || _transferDuration.Enabled || _listingDuration.Enabled
            || _rateLimitWaits.Enabled || _rateLimitWaitTime.Enabled))
        {
            return;
        }

        var direction = DirectionName(transfer.Use);
        var result = TransferResult.Of(transfer);
        if (_transfers.Enabled)
        {
            _transfers.Add(1, new KeyValuePair<string, object?>(DirectionTag, direction), new KeyValuePair<string, object?>(ResultTag, result));
        }

        if (_transferIo.Enabled && transfer.Bytes > 0)
        {
            _transferIo.Add(transfer.Bytes, new KeyValuePair<string, object?>(IoDirectionTag, transfer.Use == DataChannelUse.Upload ? "receive" : "transmit"));
        }

        var duration = transfer.Use == DataChannelUse.Listing ? _listingDuration : _transferDuration;
        if (duration.Enabled)
        {
            var seconds = transfer.Duration.TotalSeconds;
            if (transfer.Use == DataChannelUse.Listing)
            {
                duration.Record(seconds, new KeyValuePair<string, object?>(ResultTag, result));
            }
            else
            {
                duration.Record(seconds, new KeyValuePair<string, object?>(DirectionTag, direction), new KeyValuePair<string, object?>(ResultTag, result));
            }
        }

        if (throttle is not null && throttle.Waits > 0)
        {
            var tag = new KeyValuePair<string, object?>(DirectionTag, direction);
            if (_rateLimitWaits.Enabled)
            {
                _rateLimitWaits.Add(throttle.Waits, tag);
            }

            if (_rateLimitWaitTime.Enabled)
            {
                _rateLimitWaitTime.Add(throttle.WaitedTime.TotalSeconds, tag);
            }
        }
    }

    /// <summary>A completed handshake; whether it resumed is read from OpenSSL only when someone listens (and the probe works here).</summary>
    public void TlsHandshake(TlsConnectionKind kind, SslStream tls, bool probeAvailable)
    {
        if (!_tlsHandshakes.Enabled)
        {
            return;
        }

        var connection = new KeyValuePair<string, object?>(TlsConnectionTag, kind == TlsConnectionKind.Control ? "control" : "data");
        if (probeAvailable && TlsSessionProbe.Inspect(tls) is { } info)
        {
            _tlsHandshakes.Add(1, connection, new KeyValuePair<string, object?>(TlsResumedTag, info.Resumed ? True : False));
        }
        else
        {
            _tlsHandshakes.Add(1, connection);
        }
    }

    public void DataTlsReuseRefused()
    {
        if (_dataTlsReuseRefusals.Enabled)
        {
            _dataTlsReuseRefusals.Add(1);
        }
    }

    public void Dispose() => Meter.Dispose();

    private static string NameOf(SessionEnd end) => end switch
    {
        SessionEnd.Quit => "quit",
        SessionEnd.ClientClosed => "client_closed",
        SessionEnd.Timeout => "timeout",
        SessionEnd.Evicted => "evicted",
        SessionEnd.ServerClosed => "server_closed",
        SessionEnd.Shutdown => "shutdown",
        SessionEnd.Kicked => "kicked",
        SessionEnd.TlsFailed => "tls_failed",
        _ => "error",
    };

    private static string NameOf(LoginResult result) => result switch
    {
        LoginResult.Ok => "ok",
        LoginResult.Failed => "failed",
        _ => "refused",
    };

    private static string DirectionName(DataChannelUse use) => use switch
    {
        DataChannelUse.Upload => "upload",
        DataChannelUse.Download => "download",
        _ => "listing",
    };

    private static Measurement<int>[] ObserveSessions(Func<(int All, int NotLoggedIn)> sessions)
    {
        var (all, notLoggedIn) = sessions();
        notLoggedIn = Math.Min(all, notLoggedIn);
        return
        [
            new(all - notLoggedIn, new KeyValuePair<string, object?>(SessionStateTag, "logged_in")),
            new(notLoggedIn, new KeyValuePair<string, object?>(SessionStateTag, "not_logged_in")),
        ];
    }

    private static Measurement<int>[] ObserveCapacity(PassivePortPool pool) =>
        pool.Capacity is { } capacity ? [new(capacity)] : [];
}
