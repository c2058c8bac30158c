using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Ferry.Server.Connections;

/// <summary>
/// The session budgets checked at connect: MaxSessions and MaxSessionsPerAddress for every
/// session, and inside them a smaller budget for sessions that have not logged in
/// (MaxUnauthenticatedSessions, MaxUnauthenticatedSessionsPerAddress). Connections that never
/// finish a login can then fill only their own budget, never the places of logged-in users
/// (issue 11, finding 6: 2,000 silent connections from 40 addresses filled MaxSessions).
/// When the not-logged-in budget is full, a new connection takes the place of the oldest one that
/// has not sent a single complete command line since its greeting (a real client sends AUTH or
/// USER within a round trip), so a slowloris only ever pushes out its own connections and a
/// client can still connect and log in; a full per-address budget or MaxSessions refuses (421).
/// Addresses are counted by network: an IPv6 client by the same prefix its bans use (one
/// subscriber holds a whole /64, RFC 6177), so one host cannot take every place by switching
/// addresses within its prefix.
/// </summary>
internal sealed class AdmissionControl
{
    private FtpServerOptions _options;
    private readonly Func<IPAddress, IPAddress> _networkOf;
    private readonly SessionCounter<IPAddress> _sessionsPerNetwork = new();
    private readonly SessionCounter<IPAddress> _unauthenticatedPerNetwork = new();
    private readonly LinkedList<AdmissionTicket> _silent = new();
    private readonly Lock _silentLock = new();
    private int _sessions;
    private int _unauthenticated;
    private long _evictions;

    // networkOf is AddressBans.Key: sessions and bans agree on what one client is.
    public AdmissionControl(FtpServerOptions options, Func<IPAddress, IPAddress> networkOf)
    {
        _options = options;
        _networkOf = networkOf;
    }

    /// <summary>A reload: new limits for the next connections; those admitted stay counted.</summary>
    public void Reconfigure(FtpServerOptions options) => _options = options;

    /// <summary>Sessions counted against MaxSessions: from accept until every resource of the session is released.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>Sessions counted against MaxUnauthenticatedSessions now.</summary>
    public int UnauthenticatedSessions => Volatile.Read(ref _unauthenticated);

    /// <summary>
    /// Admits a new connection from <paramref name="address"/> as not logged in, or gives the 421
    /// text of the first budget it would exceed. The ticket's <see cref="AdmissionTicket.Dispose"/>
    /// gives the places back.
    /// </summary>
    public bool TryAdmit(IPAddress address, [NotNullWhen(true)] out AdmissionTicket? ticket, out string refusal)
    {
        ticket = null;
        var network = _networkOf(address);
        if (!TryEnter(ref _sessions, _options.MaxSessions))
        {
            refusal = "Too many sessions on this server; try again later.";
            return false;
        }

        if (!_sessionsPerNetwork.TryEnter(network, _options.MaxSessionsPerAddress))
        {
            Interlocked.Decrement(ref _sessions);
            refusal = $"Too many sessions from your address (at most {_options.MaxSessionsPerAddress}).";
            return false;
        }

        if (!_unauthenticatedPerNetwork.TryEnter(network, _options.MaxUnauthenticatedSessionsPerAddress))
        {
            LeaveSession(network);
            refusal = $"Too many connections from your address that have not logged in (at most {_options.MaxUnauthenticatedSessionsPerAddress}).";
            return false;
        }

        if (!TryEnterUnauthenticatedBudget())
        {
            _unauthenticatedPerNetwork.Leave(network);
            LeaveSession(network);
            refusal = "Too many connections that have not logged in; try again later.";
            return false;
        }

        refusal = string.Empty;
        ticket = new AdmissionTicket(this, network);
        return true;
    }

    /// <summary>Connections evicted so far to make room (for tests and, later, metrics).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>
    /// A place in MaxUnauthenticatedSessions; when none is free, the oldest connection still
    /// waiting for its first command gives up its place. Bounded: each pass either enters, evicts
    /// one connection from the list, or finds the list empty.
    /// </summary>
    private bool TryEnterUnauthenticatedBudget()
    {
        var limit = _options.EffectiveMaxUnauthenticatedSessions;
        while (!TryEnter(ref _unauthenticated, limit))
        {
            AdmissionTicket? oldest;
            lock (_silentLock)
            {
                oldest = _silent.First?.Value;
                if (oldest is not null)
                {
                    _silent.RemoveFirst();
                    oldest.SilentNode = null;
                }
            }

            if (oldest is null)
            {
                return false;
            }

            if (oldest.TryEvict())
            {
                Interlocked.Increment(ref _evictions);
            }
        }

        return true;
    }

    /// <summary>Lists a connection that has had its greeting and sent no command yet, newest last.</summary>
    internal void AddSilent(AdmissionTicket ticket)
    {
        lock (_silentLock)
        {
            ticket.SilentNode ??= _silent.AddLast(ticket);
        }
    }

    internal void RemoveSilent(AdmissionTicket ticket)
    {
        lock (_silentLock)
        {
            if (ticket.SilentNode is { } node)
            {
                _silent.Remove(node);
                ticket.SilentNode = null;
            }
        }
    }

    /// <summary>A login: the session leaves the not-logged-in budget (its place in MaxSessions stays).</summary>
    internal void LeaveUnauthenticated(IPAddress network)
    {
        _unauthenticatedPerNetwork.Leave(network);
        Interlocked.Decrement(ref _unauthenticated);
    }

    /// <summary>
    /// A logout (USER, REIN): the session is counted as not logged in again. It is already
    /// admitted, so this never refuses; the budget may go over until it ends or logs in.
    /// </summary>
    internal void EnterUnauthenticated(IPAddress network)
    {
        Interlocked.Increment(ref _unauthenticated);
        _unauthenticatedPerNetwork.TryEnter(network, limit: 0);
    }

    /// <summary>The session's end. The address's count goes before the total, so a total below MaxSessions means there is room (ConnectionLimitTests).</summary>
    internal void LeaveSession(IPAddress network)
    {
        _sessionsPerNetwork.Leave(network);
        Interlocked.Decrement(ref _sessions);
    }

    private static bool TryEnter(ref int count, int limit)
    {
        if (Interlocked.Increment(ref count) > limit && limit > 0)
        {
            Interlocked.Decrement(ref count);
            return false;
        }

        return true;
    }
}
