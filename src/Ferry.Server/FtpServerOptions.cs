using System.Net;

namespace Ferry.Server;

/// <summary>
/// Everything the engine can be told. Each default names where it comes from; <see cref="Validate"/>
/// returns one message per bad setting, naming its key, so the host can refuse to start.
/// </summary>
public sealed class FtpServerOptions
{
    /// <summary>"::" listens on IPv6 and IPv4 (dual stack), like vsftpd's listen_ipv6.</summary>
    public string ListenAddress { get; set; } = "::";

    /// <summary>2121: an unprivileged port, so the default start needs no root (21 is the IANA port).</summary>
    public int Port { get; set; } = 2121;

    /// <summary>The passive range, "MIN-MAX": 1,000 ports, one per session that is setting up a transfer; empty lets the OS choose (fine on loopback, not behind a firewall).</summary>
    public string PassivePorts { get; set; } = "50000-50999";

    /// <summary>The IPv4 address put in 227 replies when the server is behind NAT; empty uses the control connection's local address.</summary>
    public string PassiveAddress { get; set; } = string.Empty;

    /// <summary>The 220 greeting.</summary>
    public string Banner { get; set; } = "Ferry FTP server ready.";

    /// <summary>4096 bytes, as vsftpd's command buffer: far above any real command, small enough to bound memory.</summary>
    public int MaxCommandLineLength { get; set; } = 4096;

    /// <summary>How long a passive listener waits for its one connection, and an active connect may take (vsftpd: 60 s accept, 60 s connect).</summary>
    public TimeSpan DataConnectionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A transfer that moves no byte for this long is ended with 426 (vsftpd's data_connection_timeout, 300 s).</summary>
    public TimeSpan DataStallTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Copy-loop buffer; 256 KiB keeps syscalls few at 1 GB/s and is pooled, not per session.</summary>
    public int TransferBufferSize { get; set; } = 256 * 1024;

    /// <summary>Anonymous read-only access (USER anonymous or ftp); off unless configured, as vsftpd's anonymous_enable=NO in Debian.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The folder anonymous users see (read-only).</summary>
    public string AnonymousRoot { get; set; } = string.Empty;

    /// <summary>Use sendfile(2) for plain binary downloads from local disk.</summary>
    public bool UseSendFile { get; set; } = true;

    internal IPAddress ParsedListenAddress => IPAddress.Parse(ListenAddress);

    internal (int Min, int Max)? ParsedPassivePorts =>
        TryParsePortRange(PassivePorts, out var range) ? range : null;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            errors.Add($"ListenAddress: '{ListenAddress}' is not an IP address.");
        }

        if (Port is < 0 or > 65535)
        {
            errors.Add($"Port: {Port} is not a port number (0-65535).");
        }

        if (!string.IsNullOrWhiteSpace(PassivePorts) && !TryParsePortRange(PassivePorts, out _))
        {
            errors.Add($"PassivePorts: '{PassivePorts}' must be MIN-MAX with 1024 <= MIN <= MAX <= 65535.");
        }

        if (!string.IsNullOrWhiteSpace(PassiveAddress)
            && !(IPAddress.TryParse(PassiveAddress, out var passive) && passive.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
        {
            errors.Add($"PassiveAddress: '{PassiveAddress}' must be an IPv4 address (it goes into the 227 reply).");
        }

        if (MaxCommandLineLength is < 512 or > 1024 * 1024)
        {
            errors.Add($"MaxCommandLineLength: {MaxCommandLineLength} must be between 512 and 1048576.");
        }

        if (DataConnectionTimeout <= TimeSpan.Zero)
        {
            errors.Add("DataConnectionTimeout: must be positive.");
        }

        if (DataStallTimeout <= TimeSpan.Zero)
        {
            errors.Add("DataStallTimeout: must be positive.");
        }

        if (TransferBufferSize is < 4096 or > 16 * 1024 * 1024)
        {
            errors.Add($"TransferBufferSize: {TransferBufferSize} must be between 4096 and 16777216.");
        }

        if (AllowAnonymous && !Directory.Exists(AnonymousRoot))
        {
            errors.Add($"AnonymousRoot: '{AnonymousRoot}' is not a readable directory (needed because AllowAnonymous is true).");
        }

        return errors;
    }

    private static bool TryParsePortRange(string text, out (int Min, int Max) range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], out var min) || !int.TryParse(parts[1], out var max)
            || min < 1024 || max > 65535 || min > max)
        {
            return false;
        }

        range = (min, max);
        return true;
    }
}
