namespace Ferry.Server.Security.Tls;

/// <summary>Whether a TLS data connection must resume its login's TLS session (which a third party cannot).</summary>
public enum SessionReusePolicy
{
    /// <summary>Never checked (Pure-FTPd's behaviour).</summary>
    Off,

    /// <summary>Checked and logged, never refused: see what Required would refuse.</summary>
    Audit,

    /// <summary>
    /// The default: once a session's client has resumed on a data connection, every later one of
    /// the same kind (passive or active) must too; a client that never resumes (Python's ftplib,
    /// FluentFTP with SslStream), or resumes on one kind only (Perl's Net::FTP: active only),
    /// keeps working, protected by the peer-address check, and is logged.
    /// </summary>
    Adaptive,

    /// <summary>Every protected data connection must resume (vsftpd's, ProFTPD's and FileZilla Server's default).</summary>
    Required,
}
