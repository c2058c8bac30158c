using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Ferry.Hosting;

/// <summary>
/// The LogLevel setting as the logging system's minimum level, followed on reload: the logger
/// factory re-reads its filter options when their change token fires, so a changed level costs
/// nothing per log call (no filter delegate on the hot path).
/// </summary>
internal sealed class ReloadableLogLevel : IConfigureOptions<LoggerFilterOptions>, IOptionsChangeTokenSource<LoggerFilterOptions>, IDisposable
{
    private readonly SettingsMonitor _settings;
    private readonly IDisposable? _subscription;
    private CancellationTokenSource _changed = new();

    public ReloadableLogLevel(SettingsMonitor settings)
    {
        _settings = settings;
        _subscription = settings.OnChange((_, _) => Changed());
    }

    public string? Name => Options.DefaultName;

    public void Configure(LoggerFilterOptions options) => options.MinLevel = _settings.CurrentValue.LogLevel;

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    public void Dispose()
    {
        _subscription?.Dispose();
        _changed.Dispose();
    }

    private void Changed()
    {
        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }
}
