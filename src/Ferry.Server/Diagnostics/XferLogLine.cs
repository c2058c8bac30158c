using System.Globalization;
using System.Text;
using Ferry.Server.Connections;
using Ferry.Server.Protocol;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// One line of the classic transfer log, xferlog(5) as wu-ftpd defined it and vsftpd
/// (xferlog_std_format) and ProFTPD (TransferLog) write it, so xferstats, fail2ban filters and
/// log shippers that read theirs read Ferry's:
/// <code>current-time transfer-time remote-host file-size filename transfer-type special-action-flag direction access-mode username service-name authentication-method authenticated-user-id completion-status</code>
/// e.g. <c>Mon Dec  7 18:09:00 2026 1 127.0.0.1 1048576 /up/a.bin b _ i r alice ftp 0 * c</c>.
/// </summary>
internal static class XferLogLine
{
    /// <summary>Appends the line for a file transfer (no line end) that ended at <paramref name="endedAt"/>.</summary>
    /// <param name="transfer">The transfer; only downloads and uploads have lines (<see cref="IsLogged"/>).</param>
    /// <param name="endedAt">When it ended; written in <paramref name="zone"/>, as xferlog(5) says "the current local time".</param>
    /// <param name="zone">The server's local time zone.</param>
    /// <param name="line">Where the line goes.</param>
    public static void Append(in TransferRecord transfer, DateTimeOffset endedAt, TimeZoneInfo zone, StringBuilder line)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(line);
        var local = TimeZoneInfo.ConvertTime(endedAt, zone);
        var invariant = CultureInfo.InvariantCulture;

        // "DDD MMM dd hh:mm:ss YYYY" with the day padded by a space, as ctime(3) and vsftpd's
        // strftime("%a %b %e %H:%M:%S %Y") write it: "Mon Dec  7 18:09:00 2026".
        line.Append(local.ToString("ddd MMM ", invariant))
            .Append(local.Day < 10 ? " " : string.Empty)
            .Append(local.Day.ToString(invariant))
            .Append(local.ToString(" HH:mm:ss yyyy", invariant))
            .Append(' ').Append(Seconds(transfer.Duration).ToString(invariant))
            .Append(' ').Append(transfer.RemoteAddress.ToString())
            .Append(' ').Append(transfer.Bytes.ToString(invariant))
            .Append(' ');
        AppendField(line, transfer.Path);
        line.Append(transfer.Type == TransferType.Ascii ? " a" : " b")
            .Append(" _")
            .Append(transfer.Use == DataChannelUse.Upload ? " i" : " o")
            .Append(transfer.Anonymous ? " a " : " r ");
        AppendField(line, transfer.User);

        // ProFTPD writes its session protocol here, "ftps" once the control connection is TLS
        // (mod_tls); vsftpd always "ftp". Authentication method 0 and user id "*": no RFC 931 ident.
        line.Append(transfer.ControlTls ? " ftps 0 * " : " ftp 0 * ")
            .Append(transfer.Completed ? 'c' : 'i');
    }

    /// <summary>Only file transfers have lines: listings are not transfers in xferlog(5), nor in vsftpd's or ProFTPD's.</summary>
    public static bool IsLogged(in TransferRecord transfer) => transfer.Use is DataChannelUse.Download or DataChannelUse.Upload;

    /// <summary>
    /// Whole seconds, rounded, and at least 1 as vsftpd writes it: tools that compute a rate
    /// (bytes / transfer-time, xferstats) divide by it.
    /// </summary>
    public static long Seconds(TimeSpan duration) => Math.Max(1, (long)Math.Round(duration.TotalSeconds, MidpointRounding.AwayFromZero));

    /// <summary>
    /// Fields are separated by spaces, so a name's spaces become '_' (ProFTPD and vsftpd both do
    /// so). So does every character that could end or repaint a line (controls, Unicode line
    /// separators, bidirectional overrides; ProFTPD replaces controls too): a client cannot add a
    /// forged line or field. Other characters, UTF-8 names included, are kept.
    /// </summary>
    public static void AppendField(StringBuilder line, string value)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            line.Append('_');
            return;
        }

        foreach (var c in value)
        {
            line.Append(char.IsWhiteSpace(c) || ClientText.IsUnsafe(c) ? '_' : c);
        }
    }
}
