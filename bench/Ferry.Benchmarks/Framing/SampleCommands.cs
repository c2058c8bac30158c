using System.Text;

namespace Ferry.Benchmarks.Framing;

/// <summary>
/// A typical control-connection mix, as FileZilla and lftp send it when a session logs in and
/// fetches a few files: login, directory changes, passive mode, downloads with ordinary, spaced
/// and UTF-8 names (RFC 2640), and an ABOR preceded by Telnet IAC IP / IAC DM (RFC 959 §4.1.3,
/// as ftplib and lftp send it).
/// </summary>
public static class SampleCommands
{
    private static readonly byte[][] Mix =
    [
        Utf8("USER alice"),
        Utf8("PASS correct horse battery"),
        Utf8("SYST"),
        Utf8("FEAT"),
        Utf8("OPTS UTF8 ON"),
        Utf8("PWD"),
        Utf8("TYPE I"),
        Utf8("CWD /pub/releases/2025"),
        Utf8("PASV"),
        Utf8("RETR ferry-1.4.2-linux-x64.tar.gz"),
        Utf8("EPSV"),
        Utf8("RETR notes/release notes with spaces.txt"),
        Utf8("CWD Документы/отчёты"),
        Utf8("EPSV"),
        Utf8("RETR 年次報告書 2024.pdf"),
        Utf8("size café-menü.pdf"),
        Utf8("MDTM ferry-1.4.2-linux-x64.tar.gz"),
        [255, 244, 255, 242, .. Utf8("ABOR")],
        Utf8("NOOP"),
        Utf8("CDUP"),
    ];

    /// <summary><paramref name="count"/> commands, CRLF-terminated, in one buffer as they arrive when a client pipelines.</summary>
    public static byte[] Pipelined(int count)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < count; i++)
        {
            bytes.AddRange(Mix[i % Mix.Length]);
            bytes.AddRange("\r\n"u8);
        }

        return [.. bytes];
    }

    /// <summary>The same commands already split at LF, each line keeping its CR (as the framing hands it to the parser).</summary>
    public static byte[][] Framed(int count)
    {
        var lines = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            lines[i] = [.. Mix[i % Mix.Length], (byte)'\r'];
        }

        return lines;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
