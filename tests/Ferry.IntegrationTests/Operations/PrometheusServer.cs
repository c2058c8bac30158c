using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Ferry.IntegrationTests.Host;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Operations;

/// <summary>
/// One real Prometheus (Debian's `prometheus` package) for the whole test run, on a free loopback
/// port with its own temp folder for data, scraping every second. Tests do not share a scrape
/// config: each adds its Ferry's operations port as a target file of its own (file-based service
/// discovery, picked up by inotify) and queries by that target's instance label, so tests do not
/// see each other's counters. Killed, and its folder removed, when the run ends.
/// </summary>
public sealed class PrometheusServer : IAsyncLifetime, IDisposable
{
    /// <summary>Discovery is applied at most every 5 s and the first scrape of a target follows within the interval: ENGINES.md measured 5-6 s.</summary>
    public static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(30);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ferry-prometheus-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _process;
    private readonly System.Text.StringBuilder _log = new();

    public string TargetsFolder => Path.Combine(_folder, "targets");

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(TargetsFolder);
        var config = Path.Combine(_folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: ferry
                file_sd_configs:
                  - files: ['{TargetsFolder}/*.json']
                    refresh_interval: 1s
            """);
        var port = FerryProcess.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var start = new ProcessStartInfo("prometheus")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--config.file=" + config,
            "--storage.tsdb.path=" + Path.Combine(_folder, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--storage.tsdb.retention.time=1h",
        })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("prometheus is not installed (Debian package prometheus; scripts/test.sh installs it).", e);
        }

        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var ready = await _http.GetAsync(new Uri(BaseAddress, "-/ready"));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("prometheus did not become ready: " + Log);
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Adds a scrape target ("127.0.0.1:PORT") in a file of its own; returns its instance label.</summary>
    public async Task<string> AddTargetAsync(int port)
    {
        var instance = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        var file = Path.Combine(TargetsFolder, $"{port.ToString(CultureInfo.InvariantCulture)}.json");

        // Written aside and renamed, so the watcher never reads half a file.
        await File.WriteAllTextAsync(file + ".tmp", JsonSerializer.Serialize(new[] { new { targets = new[] { instance } } }));
        File.Move(file + ".tmp", file, overwrite: true);
        return instance;
    }

    /// <summary>The value of an instant query that returns one series, or null while it returns none.</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        var url = new Uri(BaseAddress, "api/v1/query?query=" + Uri.EscapeDataString(promql));
        using var document = JsonDocument.Parse(await _http.GetStringAsync(url));
        var data = document.RootElement.GetProperty("data");
        var result = data.GetProperty("result");
        if (result.GetArrayLength() == 0)
        {
            return null;
        }

        var value = data.GetProperty("resultType").GetString() == "vector" ? result[0].GetProperty("value")[1] : result[1];
        return double.Parse(value.GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Polls the query until its value satisfies <paramref name="condition"/> (scrapes come every second), up to <see cref="ScrapeWait"/>.</summary>
    public async Task<double?> WaitForAsync(string promql, Func<double, bool> condition)
    {
        var deadline = DateTime.UtcNow + ScrapeWait;
        double? value;
        while (!((value = await QueryAsync(promql)) is { } current && condition(current)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        return value;
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        FileTree.DeleteQuietly(_folder);
    }

    public void Dispose() => _http.Dispose();

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
