using Ferry.Configuration;
using Microsoft.Extensions.Options;

namespace Ferry.Hosting;

/// <summary>
/// The settings in force, and a reload of them from the same sources (the config file, FERRY_*
/// variables, the command line's flags) through the same checks as at start
/// (<see cref="SettingsLoader"/>). A reload that fails leaves the settings in force untouched.
/// </summary>
internal sealed class SettingsMonitor : IOptionsMonitor<FerrySettings>
{
    private readonly string? _configFile;
    private readonly IReadOnlyDictionary<string, string?> _flags;
    private readonly List<Action<FerrySettings, string?>> _listeners = [];
    private FerrySettings _current;

    public SettingsMonitor(FerrySettings initial, string? configFile, IReadOnlyDictionary<string, string?> flags)
    {
        _current = initial;
        _configFile = configFile;
        _flags = flags;
    }

    public FerrySettings CurrentValue => Volatile.Read(ref _current);

    public FerrySettings Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<FerrySettings, string?> listener)
    {
        lock (_listeners)
        {
            _listeners.Add(listener);
        }

        return new Subscription(this, listener);
    }

    /// <summary>Reads the settings again: the new ones, or a <see cref="SettingsException"/> naming every mistake.</summary>
    public FerrySettings Read() => SettingsLoader.Load(_configFile, new Dictionary<string, string?>(_flags));

    /// <summary>Puts <paramref name="settings"/> in force and tells every listener.</summary>
    public void Publish(FerrySettings settings)
    {
        Volatile.Write(ref _current, settings);
        Action<FerrySettings, string?>[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            listener(settings, Options.DefaultName);
        }
    }

    private sealed class Subscription(SettingsMonitor monitor, Action<FerrySettings, string?> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (monitor._listeners)
            {
                monitor._listeners.Remove(listener);
            }
        }
    }
}
