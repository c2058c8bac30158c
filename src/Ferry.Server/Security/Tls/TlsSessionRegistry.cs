using System.Net;

namespace Ferry.Server.Security.Tls;

/// <summary>
/// The TLS session identities of the logged-in control connections, with their user and
/// address. A data connection may resume the session of any control connection of the same
/// user from the same address: rclone shares one session cache across its connections.
/// </summary>
internal sealed class TlsSessionRegistry
{
    private readonly Dictionary<string, List<(long Connection, string User, IPAddress Address)>> _owners = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Register(string identity, long connection, string user, IPAddress address)
    {
        lock (_lock)
        {
            if (!_owners.TryGetValue(identity, out var owners))
            {
                _owners[identity] = owners = [];
            }

            owners.Add((connection, user, address));
        }
    }

    public void Unregister(string identity, long connection)
    {
        lock (_lock)
        {
            if (_owners.TryGetValue(identity, out var owners))
            {
                owners.RemoveAll(owner => owner.Connection == connection);
                if (owners.Count == 0)
                {
                    _owners.Remove(identity);
                }
            }
        }
    }

    public bool Matches(string identity, string user, IPAddress address)
    {
        lock (_lock)
        {
            return _owners.TryGetValue(identity, out var owners)
                && owners.Exists(owner => owner.User == user && owner.Address.Equals(address));
        }
    }
}
