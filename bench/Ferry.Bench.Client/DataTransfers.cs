using System.Net.Sockets;

namespace Ferry.Bench.Client;

/// <summary>
/// RETR, STOR, LIST and MLSD over a passive data connection. Downloads are read and dropped,
/// uploads are sent from one buffer in memory, so the client touches no disk and stays cheap.
/// </summary>
internal static class DataTransfers
{
    private const int BufferSize = 256 * 1024;

    private static readonly byte[] UploadPattern = CreatePattern();

    /// <summary>Downloads (RETR) or lists (LIST, MLSD): returns the bytes received.</summary>
    public static async Task<long> ReceiveAsync(FtpControlConnection control, string command, CancellationToken cancellationToken)
    {
        using var data = await control.OpenPassiveDataAsync(cancellationToken);
        var start = await control.CommandAsync(command, cancellationToken);
        if (!start.IsPositivePreliminary)
        {
            throw new FtpProtocolException($"{command}: {start.Code} {start.Text}");
        }

        var buffer = new byte[BufferSize];
        long total = 0;
        int read;
        while ((read = await data.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            total += read;
        }

        data.Dispose();
        await ExpectCompletionAsync(control, command, cancellationToken);
        return total;
    }

    /// <summary>Uploads (STOR) <paramref name="size"/> bytes and waits for the 226.</summary>
    public static async Task StoreAsync(FtpControlConnection control, string path, long size, CancellationToken cancellationToken)
    {
        using var data = await control.OpenPassiveDataAsync(cancellationToken);
        var command = $"STOR {path}";
        var start = await control.CommandAsync(command, cancellationToken);
        if (!start.IsPositivePreliminary)
        {
            throw new FtpProtocolException($"{command}: {start.Code} {start.Text}");
        }

        var remaining = size;
        while (remaining > 0)
        {
            var chunk = (int)Math.Min(remaining, UploadPattern.Length);
            var sent = await data.SendAsync(UploadPattern.AsMemory(0, chunk), SocketFlags.None, cancellationToken);
            remaining -= sent;
        }

        data.Shutdown(SocketShutdown.Send);
        data.Dispose();
        await ExpectCompletionAsync(control, command, cancellationToken);
    }

    private static async Task ExpectCompletionAsync(FtpControlConnection control, string command, CancellationToken cancellationToken)
    {
        var done = await control.ReadReplyAsync(cancellationToken);
        if (!done.IsPositiveCompletion)
        {
            throw new FtpProtocolException($"{command}: {done.Code} {done.Text}");
        }
    }

    private static byte[] CreatePattern()
    {
        var pattern = new byte[BufferSize];
        new Random(6).NextBytes(pattern);
        return pattern;
    }
}
