using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Ferry.Hooks;

/// <summary>
/// A hook's command: an executable started with an argument vector (ProcessStartInfo.ArgumentList,
/// execve(2) underneath), never through a shell, so a client's file name such as
/// "$(touch x); rm -rf" is one argument and nothing more. It gets a clean environment (PATH, HOME,
/// LANG, LC_ALL, TZ from the server's, when set, and the event's FERRY_* variables, so settings
/// passed to the server as FERRY_* variables never leak into hooks), the JSON payload on
/// standard input, the data folder as its working directory, and a timeout after which it is
/// killed with its children. Its output is read to the end but only the first
/// <see cref="MaxOutputChars"/> characters of each stream are kept.
/// </summary>
internal sealed class HookCommand(string executable, IReadOnlyList<string> arguments, string workingDirectory, TimeProvider time)
{
    /// <summary>Characters kept of each of standard output and error: enough for a reason and an error message.</summary>
    public const int MaxOutputChars = 4096;

    /// <summary>Variables of the server's environment a command still gets.</summary>
    private static readonly string[] Inherited = ["PATH", "HOME", "LANG", "LC_ALL", "TZ"];

    /// <summary>PATH when the server has none: the FHS's command folders.</summary>
    private const string DefaultPath = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>How long the output may still take once the process has exited or been killed (a grandchild holding the pipe).</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(2);

    public string Executable => executable;

    public async Task<CommandOutcome> RunAsync(HookEvent hookEvent, byte[] payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var began = time.GetTimestamp();
        using var process = new Process();
        try
        {
            lock (LocalFileHandoff.Spawning)
            {
                var (localFile, descriptor) = hookEvent.LocalFile is { } path ? LocalFileHandoff.Open(path) : (null, -1);
                try
                {
                    if (localFile != hookEvent.LocalFile)
                    {
                        hookEvent = hookEvent with { LocalFile = localFile };
                        payload = HookFields.Payload(hookEvent);
                    }

                    process.StartInfo = StartInfo(hookEvent);
                    process.Start();
                }
                finally
                {
                    LocalFileHandoff.Close(descriptor);
                }
            }
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or ArgumentException or IOException)
        {
            return new CommandOutcome(null, string.Empty, string.Empty, "cannot start: " + e.Message, time.GetElapsedTime(began));
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var output = ReadBoundedAsync(process.StandardOutput);
        var errors = ReadBoundedAsync(process.StandardError);
        string? error = null;
        try
        {
            await WriteInputAsync(process, payload, deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            error = cancellationToken.IsCancellationRequested ? "cancelled (the session or the server ended)" : $"timed out after {timeout.TotalSeconds:0.###} s, killed";
            Kill(process);
        }

        var elapsed = time.GetElapsedTime(began);
        var stdout = await WithinGraceAsync(output);
        var stderr = await WithinGraceAsync(errors);
        var text = stderr.Length == 0 ? stdout : stdout.Length == 0 ? stderr : stdout + " | stderr: " + stderr;
        return new CommandOutcome(error is null ? process.ExitCode : null, FirstLine(stdout), text.Trim(), error, elapsed);
    }

    /// <summary>No shell, the arguments as a vector, a clean environment with the event's variables.</summary>
    private ProcessStartInfo StartInfo(HookEvent hookEvent)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in HookArguments.For(arguments, hookEvent))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var name in Inherited)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        start.Environment.TryAdd("PATH", DefaultPath);
        foreach (var field in HookFields.All)
        {
            if (HookFields.Text(field, hookEvent) is { } value)
            {
                start.Environment[field.Variable] = value;
            }
        }

        return start;
    }

    /// <summary>The payload, then end of file; a command that exits without reading it is not an error.</summary>
    private static async Task WriteInputAsync(Process process, byte[] payload, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(payload, cancellationToken);
            await process.StandardInput.BaseStream.FlushAsync(cancellationToken);
        }
        catch (IOException)
        {
            // EPIPE: the command did not want its standard input.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Exited meanwhile.
        }
    }

    /// <summary>A stream read to its end, keeping the first <see cref="MaxOutputChars"/> characters.</summary>
    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        var buffer = new char[1024];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                var room = MaxOutputChars - kept.Length;
                if (room > 0)
                {
                    kept.Append(buffer, 0, Math.Min(room, read));
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }

        return kept.ToString();
    }

    /// <summary>The output once the pipe closes, or what there is after a short grace (a grandchild keeps it open).</summary>
    private static async Task<string> WithinGraceAsync(Task<string> reading)
    {
        try
        {
            return await reading.WaitAsync(OutputGrace);
        }
        catch (TimeoutException)
        {
            return "(output still open after the command ended)";
        }
    }

    private static string FirstLine(string output)
    {
        var text = output.TrimStart();
        var end = text.IndexOfAny(['\r', '\n']);
        return (end >= 0 ? text[..end] : text).Trim();
    }
}
