using System.Diagnostics;

namespace Ferry.IntegrationTests.Lifecycle;

/// <summary>
/// `openssl s_client -tls1_2`, then "R" on its stdin: after the handshake it asks for a TLS 1.2
/// renegotiation, the issue 11 finding 1 reproducer. s_client then waits for the server's answer
/// (it never reads its stdin's end), until it is disposed (killed).
/// </summary>
internal sealed class RenegotiatingClient : IAsyncDisposable
{
    private readonly Process _process;

    private RenegotiatingClient(Process process) => _process = process;

    /// <summary>Explicit FTPS on a control port, or implicit FTPS.</summary>
    public static string[] Target(int port, bool implicitTls) => implicitTls
        ? ["-connect", "127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture)]
        : ["-starttls", "ftp", "-connect", "127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>Starts s_client and waits (at most 15 s) until it has sent its renegotiation request; null if it never did.</summary>
    public static async Task<RenegotiatingClient?> StartAsync(string[] target)
    {
        var start = new ProcessStartInfo("openssl")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["s_client", "-tls1_2", "-servername", "localhost", .. target])
        {
            start.ArgumentList.Add(argument);
        }

        var client = new RenegotiatingClient(Process.Start(start)!);
        _ = client._process.StandardOutput.ReadToEndAsync();

        // s_client reads its stdin once the handshake is done; "R" alone on a line asks for renegotiation.
        await client._process.StandardInput.WriteLineAsync("R");
        client._process.StandardInput.Close();
        if (await client.WaitForRenegotiatingAsync())
        {
            return client;
        }

        await client.DisposeAsync();
        return null;
    }

    /// <summary>One request: starts, lets the ClientHello reach the server, and kills s_client; true if it asked.</summary>
    public static async Task<bool> RequestOnceAsync(string[] target)
    {
        await using var client = await StartAsync(target);
        if (client is null)
        {
            return false;
        }

        await Task.Delay(200);
        return true;
    }

    /// <summary>s_client writes "RENEGOTIATING" to stderr right before it sends the new ClientHello.</summary>
    private async Task<bool> WaitForRenegotiatingAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (await _process.StandardError.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("RENEGOTIATING", StringComparison.Ordinal))
                {
                    _ = _process.StandardError.ReadToEndAsync(CancellationToken.None);
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();

        // Process.Dispose leaves redirected streams that were read to the finalizer: close them
        // here, or their pipes count as descriptors a test leaked.
        _process.StandardOutput.Dispose();
        _process.StandardError.Dispose();
        _process.Dispose();
    }
}
