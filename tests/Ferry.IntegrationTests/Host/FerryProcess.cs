using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ferry.IntegrationTests.Host;

/// <summary>The real `ferry` executable (built next to the tests), started the scriptable way the README documents.</summary>
internal sealed class FerryProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _outputCopy = Task.CompletedTask;

    private FerryProcess(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static FerryProcess Start(string? standardInput, params string[] arguments) => StartUnder([], standardInput, arguments);

    /// <summary>Starts ferry through a wrapper that execs it, so the pid stays ferry's (e.g. ["prlimit", "--nofile=300:300"]).</summary>
    public static FerryProcess StartUnder(string[] wrapper, string? standardInput, params string[] arguments) =>
        Launch(wrapper, new Dictionary<string, string?>(), standardInput, arguments);

    /// <summary>Starts ferry with these variables added to the environment (FERRY_* settings, or strays).</summary>
    public static FerryProcess StartWithEnvironment(IReadOnlyDictionary<string, string?> environment, string? standardInput, params string[] arguments) =>
        Launch([], environment, standardInput, arguments);

    private static FerryProcess Launch(string[] wrapper, IReadOnlyDictionary<string, string?> environment, string? standardInput, string[] arguments)
    {
        var start = new ProcessStartInfo(wrapper.Length > 0 ? wrapper[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (wrapper.Length > 0)
        {
            foreach (var argument in wrapper.Skip(1).Append("dotnet"))
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ferry.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Launch(start, standardInput);
    }

    /// <summary>Starts another `ferry` executable (a published one), with environment changes (null removes a variable).</summary>
    public static FerryProcess StartExecutable(string executable, IReadOnlyDictionary<string, string?> environment, string? standardInput, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Launch(start, standardInput);
    }

    private static FerryProcess Launch(ProcessStartInfo start, string? standardInput)
    {
        var process = new Process { StartInfo = start };
        var ferry = new FerryProcess(process);
        process.Start();
        ferry._outputCopy = ferry.CopyOutputAsync();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            process.StandardInput.WriteLine(standardInput);
        }

        process.StandardInput.Close();
        return ferry;
    }

    /// <summary>Runs a command to its end and returns the exit code.</summary>
    public static async Task<FerryProcess> RunAsync(string? standardInput, params string[] arguments)
    {
        var ferry = Start(standardInput, arguments);
        await ferry.WaitForExitAsync();
        return ferry;
    }

    public async Task WaitForReadyAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(first == _ready.Task, $"ferry did not print 'ready'. stdout: {Output} stderr: {Errors}");
    }

    /// <summary>
    /// The output once it holds <paramref name="text"/> (or after 10 s, for the assertion to report):
    /// `ferry serve` writes its log a few milliseconds behind what it does (records gather before
    /// each write when its output is not a terminal).
    /// </summary>
    public async Task<string> OutputWithAsync(string text)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(10) && !_process.HasExited)
        {
            await Task.Delay(20);
        }

        return Output;
    }

    public Task WaitForExitAsync() => WaitForExitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Waits for the exit and the end of its output; throws when it takes longer than <paramref name="within"/>.</summary>
    public async Task WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        await _outputCopy.WaitAsync(timeout.Token);
    }

    public void SendSignal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>
    /// A port that was free a moment ago, below Linux's ephemeral ports (32768+) and the passive
    /// ranges (20000+): one the OS hands out for port 0 is also the next source port of any
    /// outgoing connection, and with the clients of parallel tests connecting all the time one
    /// was taken between this probe and ferry's bind ("Address already in use").
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(10000, 20000);
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken: another.
            }
        }

        using var any = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        any.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)any.LocalEndPoint!).Port;
    }

    /// <summary>A passive range below Linux's ephemeral ports (32768+), random so parallel tests rarely meet.</summary>
    public static string FreePassiveRange()
    {
        var start = Random.Shared.Next(20000, 30000);
        return $"{start}-{start + 20}";
    }

    /// <summary>
    /// Keeps stdout byte for byte as a log file or the journal would get it: lines end at LF only,
    /// so a stray CR or NUL in a log line stays inside that line (a line reader would split there,
    /// and the log injection tests would check a log no real reader sees).
    /// </summary>
    private async Task CopyOutputAsync()
    {
        var decoder = new UTF8Encoding(false).GetDecoder();
        var bytes = new byte[4096];
        var chars = new char[4096 + 4];
        var stdout = _process.StandardOutput.BaseStream;
        int read;
        while ((read = await stdout.ReadAsync(bytes)) > 0)
        {
            var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            lock (_output)
            {
                _output.Append(chars, 0, count);
                if (!_ready.Task.IsCompleted && _output.ToString().Contains("ready", StringComparison.Ordinal))
                {
                    _ready.TrySetResult();
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _outputCopy;
        _process.Dispose();
    }
}
