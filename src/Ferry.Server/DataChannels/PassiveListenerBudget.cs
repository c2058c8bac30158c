using System.Net;
using Ferry.Server.Connections;

namespace Ferry.Server.DataChannels;

/// <summary>
/// MaxPassiveListenersPerAddress: passive listeners that no transfer has used yet, counted per
/// client network (an IPv6 client by its ban prefix), so one address's sessions cannot hoard the
/// passive range (issue 11, finding 6: 420 sessions that sent PASV and never connected left
/// everyone else 425). A real client connects within a round trip of the 227/229 reply and a
/// transfer then takes the channel, so its listener counts for milliseconds.
/// </summary>
internal sealed class PassiveListenerBudget
{
    private readonly int _limit;
    private readonly Func<IPAddress, IPAddress> _networkOf;
    private readonly SessionCounter<IPAddress> _pending = new();

    // networkOf is AddressBans.Key, as for sessions.
    public PassiveListenerBudget(int limit, Func<IPAddress, IPAddress> networkOf)
    {
        _limit = limit;
        _networkOf = networkOf;
    }

    public int Limit => _limit;

    /// <summary>Pending listeners of <paramref name="address"/>'s network now, for tests.</summary>
    public int PendingFor(IPAddress address) => _pending[_networkOf(address)];

    /// <summary>Counts one more pending listener for <paramref name="address"/>, or null when its network is at the limit.</summary>
    public PassiveListenerReservation? TryReserve(IPAddress address)
    {
        var network = _networkOf(address);
        return _pending.TryEnter(network, _limit) ? new PassiveListenerReservation(() => _pending.Leave(network)) : null;
    }
}
