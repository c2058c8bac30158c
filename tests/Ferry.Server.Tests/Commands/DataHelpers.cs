using System.Net.Sockets;
using System.Text;
using Ferry.Server.Tests.Support;

namespace Ferry.Server.Tests.Commands;

/// <summary>Wire-script steps the command tests share: whole transfers over EPSV, and fixtures.</summary>
internal static class DataHelpers
{
    /// <summary>
    /// A sparse file of <paramref name="mebibytes"/> as big.bin, then TYPE I, EPSV and RETR up to
    /// the 150: a download that runs as long as the test leaves its data socket unread.
    /// </summary>
    public static async Task<Socket> StartLargeDownloadAsync(TestServer server, WireClient ftp, int mebibytes = 200)
    {
        await using (var file = File.Create(server.PathOf("big.bin")))
        {
            file.SetLength(mebibytes * 1024L * 1024);
        }

        await ftp.CommandAsync("TYPE I", 200);
        var data = await ftp.OpenPassiveAsync();
        await ftp.CommandAsync("RETR big.bin", 150);
        return data;
    }

    /// <summary>EPSV, the command, 150, the whole data stream, 226 (RFC 959 §5.4 order).</summary>
    public static async Task<byte[]> DownloadAsync(WireClient ftp, string command)
    {
        var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync(command);
        await ftp.ExpectAsync(150);
        var bytes = await WireClient.ReadAllAsync(data);
        await ftp.ExpectAsync(226);
        return bytes;
    }

    public static async Task<string> DownloadTextAsync(WireClient ftp, string command) =>
        Encoding.UTF8.GetString(await DownloadAsync(ftp, command));

    /// <summary>The lines of a listing, CRLF-separated as RFC 959 §3.1.1.1 requires on the data connection.</summary>
    public static async Task<string[]> ListLinesAsync(WireClient ftp, string command)
    {
        var text = await DownloadTextAsync(ftp, command);
        Assert.True(text.Length == 0 || text.EndsWith("\r\n", StringComparison.Ordinal), $"listing must end with CRLF: {text}");
        return text.Length == 0 ? [] : text[..^2].Split("\r\n");
    }

    /// <summary>EPSV, the command, 150, the bytes sent and the data connection closed, 226; returns the 150 reply.</summary>
    public static async Task<FtpReplyText> UploadAsync(WireClient ftp, string command, byte[] content)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync(command);
        var opening = await ftp.ExpectAsync(150);
        var sent = 0;
        while (sent < content.Length)
        {
            sent += await data.SendAsync(content.AsMemory(sent), SocketFlags.None);
        }

        data.Shutdown(SocketShutdown.Send);
        data.Close();
        await ftp.ExpectAsync(226);
        return opening;
    }

    /// <summary>
    /// EPSV and the command, which the server may refuse: the final reply (226, or the refusal)
    /// and the bytes that came over the data connection, which must have been closed either way.
    /// </summary>
    public static async Task<(FtpReplyText Reply, byte[] Data)> TryDownloadAsync(WireClient ftp, string command)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync(command);
        var reply = await ftp.ReadReplyAsync();
        var (bytes, ended) = await Robustness.Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
        Assert.True(ended, $"{command}: the data connection was left open");
        if (reply.Code == 150)
        {
            reply = await ftp.ReadReplyAsync();
        }

        return (reply, bytes);
    }

    /// <summary>EPSV and the command, which the server may refuse; the content is sent only after a 150. The final reply.</summary>
    public static async Task<FtpReplyText> TryUploadAsync(WireClient ftp, string command, string content)
    {
        using var data = await ftp.OpenPassiveAsync();
        await ftp.SendAsync(command);
        var reply = await ftp.ReadReplyAsync();
        if (reply.Code != 150)
        {
            return reply;
        }

        await data.SendAsync(Encoding.UTF8.GetBytes(content), SocketFlags.None);
        data.Shutdown(SocketShutdown.Send);
        await Robustness.Probe.DrainAsync(data, TimeSpan.FromSeconds(10));
        return await ftp.ReadReplyAsync();
    }

    /// <summary>
    /// How many bytes of an upload to <paramref name="name"/> (in the root) are on disk: uploads
    /// write a hidden in-flight file and rename it over the name at the commit, and an abort keeps
    /// them as a hidden partial (issue 13), so the largest of the three.
    /// </summary>
    public static long UploadedLength(TestServer server, string name) =>
        Directory.GetFiles(server.Root, ".ferry-upload.*").Append(server.PathOf(name)).Append(KeptPartial(server, name))
            .Select(path => new FileInfo(path)).Where(file => file.Exists).Select(file => file.Length).DefaultIfEmpty(0).Max();

    /// <summary>Where an aborted upload to <paramref name="name"/> (in the root) keeps its bytes for a resume (AbortedUploads=Keep).</summary>
    public static string KeptPartial(TestServer server, string name) => server.PathOf(".ferry-partial." + name);

    public static string WriteFile(TestServer server, string relative, string content) =>
        WriteFile(server, relative, Encoding.UTF8.GetBytes(content));

    public static string WriteFile(TestServer server, string relative, byte[] content)
    {
        var path = server.PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Bytes that are not all alike, so an offset or reordering error shows.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 7) + (i >> 8));
        }

        return bytes;
    }
}
