using System.Diagnostics;
using System.Text;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// A real client process driven one line at a time (a command on stdin, an answer on stdout), for
/// a session that must stay open while the test does something to the server (reload, stop).
/// Killed with its process tree when disposed.
/// </summary>
internal sealed class LineClient : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private LineClient(Process process)
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

    public static LineClient Start(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PYTHONUNBUFFERED"] = "1";
        var process = new Process { StartInfo = start };
        var client = new LineClient(process);
        process.Start();
        process.BeginErrorReadLine();
        return client;
    }

    /// <summary>The next line the client prints; fails the test when none comes in time.</summary>
    public async Task<string> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        try
        {
            return await _process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("the client ended without answering; stderr: " + Errors);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no answer from the client within {AnswerTimeout.TotalSeconds} s; stderr: {Errors}");
        }
    }

    /// <summary>Sends one command and returns the line it answers with.</summary>
    public async Task<string> AskAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await ReadLineAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
