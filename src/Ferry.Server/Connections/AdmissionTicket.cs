using System.Net;

namespace Ferry.Server.Connections;

/// <summary>
/// One admitted connection's places in the <see cref="AdmissionControl"/> budgets. It moves
/// between the not-logged-in budget and the logged-in one as the session logs in and out, may be
/// evicted from the not-logged-in budget while it has sent no command, and <see cref="Dispose"/>
/// (in the accept loop's finally, after the connection's own cleanup) gives back whatever it still
/// holds, however the session ended, so the counts cannot drift.
/// </summary>
internal sealed class AdmissionTicket : IDisposable
{
    private readonly AdmissionControl _admission;
    private readonly Lock _lock = new();
    private State _state = State.Unauthenticated;
    private Action? _evict;

    public AdmissionTicket(AdmissionControl admission, IPAddress network)
    {
        _admission = admission;
        Network = network;
    }

    private enum State
    {
        /// <summary>Counted in the not-logged-in budget.</summary>
        Unauthenticated,

        /// <summary>Counted in MaxSessions only.</summary>
        LoggedIn,

        /// <summary>Made room for a newer connection: out of the not-logged-in budget, closing.</summary>
        Evicted,

        /// <summary>Everything given back.</summary>
        Released,
    }

    /// <summary>The client's counting network (AddressBans.Key of its address).</summary>
    public IPAddress Network { get; }

    /// <summary>Its place in the list of connections that have sent no command yet, oldest first; null when not in it.</summary>
    internal LinkedListNode<AdmissionTicket>? SilentNode { get; set; }

    /// <summary>
    /// The greeting is out and no command has come yet: until <see cref="FirstCommandReceived"/>,
    /// a newer connection may take this one's place when the budget is full, and
    /// <paramref name="evict"/> then closes it.
    /// </summary>
    public void AwaitFirstCommand(Action evict)
    {
        lock (_lock)
        {
            if (_state != State.Unauthenticated)
            {
                return;
            }

            _evict = evict;
        }

        _admission.AddSilent(this);
    }

    /// <summary>A complete command line came: this connection is a client, no longer a candidate for eviction.</summary>
    public void FirstCommandReceived()
    {
        lock (_lock)
        {
            _evict = null;
        }

        _admission.RemoveSilent(this);
    }

    /// <summary>Records a login (true) or a logout (false); repeating the current state changes nothing.</summary>
    public void SetLoggedIn(bool loggedIn)
    {
        lock (_lock)
        {
            switch (_state, loggedIn)
            {
                case (State.Unauthenticated, true):
                    _state = State.LoggedIn;
                    _admission.LeaveUnauthenticated(Network);
                    break;
                case (State.LoggedIn, false):
                    _state = State.Unauthenticated;
                    _admission.EnterUnauthenticated(Network);
                    break;
            }
        }
    }

    /// <summary>
    /// Gives this connection's place in the not-logged-in budget to a newer one and closes it;
    /// false when it has meanwhile sent its first command, logged in or ended.
    /// </summary>
    internal bool TryEvict()
    {
        Action evict;
        lock (_lock)
        {
            if (_state != State.Unauthenticated || _evict is null)
            {
                return false;
            }

            evict = _evict;
            _evict = null;
            _state = State.Evicted;
            _admission.LeaveUnauthenticated(Network);
        }

        evict();
        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_state == State.Released)
            {
                return;
            }

            if (_state == State.Unauthenticated)
            {
                _admission.LeaveUnauthenticated(Network);
            }

            _state = State.Released;
            _evict = null;
        }

        _admission.RemoveSilent(this);
        _admission.LeaveSession(Network);
    }
}
