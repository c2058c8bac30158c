using System.Net;

namespace Ferry.Server.Security;

/// <summary>
/// Admits password checks per client address (its ban network: the IPv4 address, the IPv6
/// prefix of <see cref="FtpServerOptions.BanIPv6PrefixLength"/>): at most
/// <see cref="FtpServerOptions.MaxLoginChecksPerAddress"/> at once, each holding a failure
/// reserved with <see cref="AddressBans"/>. Attempts beyond that wait their turn, first come
/// first served, rather than being refused: the checks in progress may be the owner's right
/// password from a shared address (an office, a mirror opening eight sessions), and a refusal
/// there would read as a wrong password. Waiting costs the server nothing but a session, and
/// sessions are capped per address already; a waiter whose address gets banned meanwhile is
/// refused without a check, and one whose session closes (login timeout, server stop) leaves the
/// line. So one address can neither have more passwords checked than the ban threshold allows,
/// nor fill the hashing queue in front of everyone else (issue 11, finding 4).
/// </summary>
internal sealed class AddressLoginGate
{
    private readonly Dictionary<IPAddress, Line> _lines = [];
    private readonly AddressBans _bans;
    private int _maxChecks;

    public AddressLoginGate(AddressBans bans, FtpServerOptions options)
    {
        _bans = bans;
        _maxChecks = options.MaxLoginChecksPerAddress;
    }

    /// <summary>A reload: a new MaxLoginChecksPerAddress for the next attempts.</summary>
    public void Reconfigure(FtpServerOptions options) => _maxChecks = options.MaxLoginChecksPerAddress;

    /// <summary>
    /// Waits until <paramref name="address"/> may have a password checked; the entry says whether a
    /// failure was reserved, or that the address is banned. An admitted check must be ended with
    /// <see cref="Leave"/>. <paramref name="waited"/> is called once when the attempt has to wait.
    /// </summary>
    public async ValueTask<GateEntry> EnterAsync(IPAddress address, Action<int>? waited, CancellationToken cancellationToken)
    {
        var key = _bans.Key(address);
        Waiter waiter;
        int ahead;
        lock (_lines)
        {
            var line = LineOf(key);
            if (line.Waiting.Count == 0 && TryAdmit(line, address) is { } entry)
            {
                RemoveIfIdle(key, line);
                return entry;
            }

            ahead = line.Waiting.Count + line.Checking;
            waiter = new Waiter(address);
            waiter.Node = line.Waiting.AddLast(waiter);
        }

        waited?.Invoke(ahead);
        try
        {
            return await waiter.Entry.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            GateEntry? admitted = null;
            lock (_lines)
            {
                if (waiter.Entry.Task.IsCompletedSuccessfully)
                {
                    admitted = waiter.Entry.Task.Result;
                }
                else if (_lines.TryGetValue(key, out var line) && waiter.Node?.List is not null)
                {
                    line.Waiting.Remove(waiter.Node);
                    RemoveIfIdle(key, line);
                }
            }

            if (admitted is { } entry)
            {
                // Admitted just as the session went away: hand the turn back to the next waiter.
                Leave(address, entry, failed: false);
            }

            throw;
        }
    }

    /// <summary>Ends an admitted check: its reservation kept as a failure (returning the ban it caused, if any) or released.</summary>
    public DateTimeOffset? Leave(IPAddress address, GateEntry entry, bool failed)
    {
        if (entry.Kind is not (GateEntryKind.Reserved or GateEntryKind.NotCounted))
        {
            return null;
        }

        DateTimeOffset? banned = null;
        if (failed)
        {
            banned = _bans.RecordFailure(address, reserved: entry.Kind == GateEntryKind.Reserved);
        }
        else if (entry.Kind == GateEntryKind.Reserved)
        {
            _bans.Release(address);
        }

        var key = _bans.Key(address);
        lock (_lines)
        {
            if (_lines.TryGetValue(key, out var line))
            {
                line.Checking = Math.Max(0, line.Checking - 1);
                AdmitWaiters(line);
                RemoveIfIdle(key, line);
            }
        }

        return banned;
    }

    /// <summary>Addresses with a check in progress or waiting, for tests.</summary>
    public int ActiveAddresses
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count;
            }
        }
    }

    private Line LineOf(IPAddress key)
    {
        if (!_lines.TryGetValue(key, out var line))
        {
            line = new Line();
            _lines[key] = line;
        }

        return line;
    }

    /// <summary>Admits one check when the cap and the ban threshold allow it; null: it must wait. Called under the lock.</summary>
    private GateEntry? TryAdmit(Line line, IPAddress address)
    {
        if (_maxChecks > 0 && line.Checking >= _maxChecks)
        {
            return null;
        }

        switch (_bans.TryReserve(address, out var until))
        {
            case FailureReservation.Banned:
                return GateEntry.BannedUntil(until);
            case FailureReservation.Full:
                return null;
            case FailureReservation.Reserved:
                line.Checking++;
                return new GateEntry(GateEntryKind.Reserved, default);
            default:
                line.Checking++;
                return new GateEntry(GateEntryKind.NotCounted, default);
        }
    }

    /// <summary>Lets waiters in, in order, while there is room; a ban refuses them all. Called under the lock.</summary>
    private void AdmitWaiters(Line line)
    {
        while (line.Waiting.First is { } first && TryAdmit(line, first.Value.Address) is { } entry)
        {
            line.Waiting.RemoveFirst();
            first.Value.Entry.TrySetResult(entry);
        }
    }

    private void RemoveIfIdle(IPAddress key, Line line)
    {
        if (line.Checking == 0 && line.Waiting.Count == 0)
        {
            _lines.Remove(key);
        }
    }

    private sealed class Line
    {
        /// <summary>Checks admitted and not yet left.</summary>
        public int Checking { get; set; }

        public LinkedList<Waiter> Waiting { get; } = new();
    }

    private sealed class Waiter(IPAddress address)
    {
        public IPAddress Address { get; } = address;

        public TaskCompletionSource<GateEntry> Entry { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
