using System.Net;
using Ferry.Server.Security;
using Ferry.Server.Security.Tls;
using Ferry.Server.Storage.Checksums;
using Ferry.Server.Storage;

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

    /// <summary>
    /// The passive range, "MIN-MAX": 1,000 ports, one per session that is setting up a transfer;
    /// empty lets the OS choose (fine on loopback, not behind a firewall). 61000-61999 lies above
    /// Linux's default ephemeral range (32768-60999), so outgoing connections of the machine never
    /// take these ports (issue 11, finding 6: the earlier 50000-50999, inside it, lost 138 of 401 ports).
    /// </summary>
    public string PassivePorts { get; set; } = "61000-61999";

    /// <summary>The IPv4 address put in 227 replies when the server is behind NAT; empty uses the control connection's local address.</summary>
    public string PassiveAddress { get; set; } = string.Empty;

    /// <summary>The 220 greeting.</summary>
    public string Banner { get; set; } = "Ferry FTP server ready.";

    /// <summary>4096 bytes, as vsftpd's command buffer: far above any real command, small enough to bound memory.</summary>
    public int MaxCommandLineLength { get; set; } = 4096;

    /// <summary>How long a passive listener waits for its one connection, and an active connect may take (vsftpd: 60 s accept, 60 s connect).</summary>
    public TimeSpan DataConnectionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sessions at once, in total; more get 421 at connect (vsftpd's max_clients; 0 is no limit).</summary>
    public int MaxSessions { get; set; } = 2000;

    /// <summary>Sessions at once from one client address; more get 421 at connect (vsftpd's max_per_ip). 50 leaves room for parallel mirrors (lftp, rclone).</summary>
    public int MaxSessionsPerAddress { get; set; } = 50;

    /// <summary>Logged-in sessions at once of one user; more get 421 at login (ProFTPD's MaxClientsPerUser; 0, the default, is no limit).</summary>
    public int MaxSessionsPerUser { get; set; }

    /// <summary>The pause before answering a failed login (vsftpd's delay_failed_login, 1 s).</summary>
    public TimeSpan FailedLoginDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Failed logins allowed per connection; the last one gets 421 and the connection is closed (vsftpd's max_login_fails, 3).</summary>
    public int MaxLoginAttempts { get; set; } = 3;

    /// <summary>
    /// How long a login that verified is remembered, so the same user with the same password pays
    /// the slow hash once per window (pyftpdlib and vsftpd hash every login; a mirror opening eight
    /// sessions or a camera logging in every minute then costs one hash, not eight). Failures are
    /// never remembered; a changed password misses at once. 2 minutes; zero turns it off.
    /// </summary>
    public TimeSpan VerifiedLoginCacheTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Failed logins from one address within <see cref="BanWindow"/> that ban it; 0 turns bans off.
    /// 6: two connections' worth of <see cref="MaxLoginAttempts"/>, one more than fail2ban's stock
    /// maxretry of 5, so one user who mistypes a few times is not locked out.
    /// </summary>
    public int BanFailedLogins { get; set; } = 6;

    /// <summary>How far back failures count towards a ban (fail2ban's findtime, 10 min).</summary>
    public TimeSpan BanWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a banned address is refused at connect with 421 (fail2ban's bantime is 10 min; an hour makes a password list crawl).</summary>
    public TimeSpan BanDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Addresses or CIDR networks never banned (fail2ban's ignoreip), such as a monitoring host or
    /// the office network. Loopback by default, as fail2ban's own ignoreip default
    /// (127.0.0.1/8 ::1): a local script with an old password, a monitoring check or a local TLS
    /// proxy would otherwise lock everyone out (issue 12). Setting it replaces the default; an empty
    /// list allow-lists nothing. Reaching the threshold from an allow-listed address is logged.
    /// </summary>
    public List<string> BanAllowList { get; set; } = [.. DefaultBanAllowList];

    /// <summary>The default of <see cref="BanAllowList"/>: IPv4 and IPv6 loopback.</summary>
    public static IReadOnlyList<string> DefaultBanAllowList { get; } = ["127.0.0.0/8", "::1"];

    /// <summary>
    /// IPv6 clients are banned by network of this prefix length: one subscriber usually holds a
    /// whole /64 (RFC 6177), so banning a single address would be trivially stepped around.
    /// 128 bans single addresses.
    /// </summary>
    public int BanIPv6PrefixLength { get; set; } = 64;

    /// <summary>A logged-in control connection with no command for this long gets 421 and is closed, never during a transfer (vsftpd's idle_session_timeout, 300 s).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>A connection that has not logged in within this time gets 421 (ProFTPD's TimeoutLogin is 300 s; unauthenticated sessions get less here, since they are what scanners leave open).</summary>
    public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A transfer that moves no byte for this long is ended with 426 (vsftpd's data_connection_timeout, 300 s).</summary>
    public TimeSpan DataStallTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Copy-loop buffer; 256 KiB keeps syscalls few at 1 GB/s and is pooled, not per session.</summary>
    public int TransferBufferSize { get; set; } = 256 * 1024;

    // Transfer-rate limits, in bytes per second; 0 (the default) is no limit, as vsftpd's
    // local_max_rate=0. A transfer obeys every limit that applies to it: its session's, its
    // user's (all sessions of that user name together) and the whole server's.

    /// <summary>Download limit of each session, bytes/s (vsftpd's local_max_rate; 0, the default, is no limit).</summary>
    public long DownloadRateLimit { get; set; }

    /// <summary>Upload limit of each session, bytes/s (vsftpd's local_max_rate covers both directions; here they are apart, as Pure-FTPd's -t/-T; 0 is no limit).</summary>
    public long UploadRateLimit { get; set; }

    /// <summary>Download limit shared by all sessions of one user name, bytes/s (ProFTPD's TransferRate per user, Pure-FTPd's per-user throttling; 0 is no limit).</summary>
    public long UserDownloadRateLimit { get; set; }

    /// <summary>Upload limit shared by all sessions of one user name, bytes/s (0 is no limit).</summary>
    public long UserUploadRateLimit { get; set; }

    /// <summary>Download limit of the whole server, all sessions together, bytes/s (0 is no limit).</summary>
    public long ServerDownloadRateLimit { get; set; }

    /// <summary>Upload limit of the whole server, all sessions together, bytes/s (0 is no limit).</summary>
    public long ServerUploadRateLimit { get; set; }

    /// <summary>
    /// Per-user replacements of <see cref="DownloadRateLimit"/> and <see cref="UploadRateLimit"/>
    /// (the per-session limits), keyed by user name, so one account can get more (or less) than
    /// the rest (ProFTPD's TransferRate with a user list). Empty by default.
    /// </summary>
    public Dictionary<string, UserRateLimit> UserRateLimits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Anonymous read-only access (USER anonymous or ftp); off unless configured, as vsftpd's anonymous_enable=NO in Debian.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The folder anonymous users see (read-only).</summary>
    public string AnonymousRoot { get; set; } = string.Empty;

    /// <summary>Use sendfile(2) for plain binary downloads from local disk.</summary>
    public bool UseSendFile { get; set; } = true;

    /// <summary>
    /// Use splice(2) for plain binary uploads to local disk: socket to pipe to file inside the
    /// kernel, the receiving twin of <see cref="UseSendFile"/>. On by default as sendfile is
    /// (vsftpd's use_sendfile=YES; vsftpd itself receives with read() and write(), so it has no
    /// setting of its own to mirror). A file system that cannot splice, or a pipe the kernel keeps
    /// small, falls back to the copy loop by itself; false takes the copy loop always.
    /// </summary>
    public bool UseSplice { get; set; } = true;

    /// <summary>Implicit FTPS: a second port where TLS starts with the first byte (not in RFC 4217, but curl's ftps:// and many clients use it). Off by default.</summary>
    public bool ImplicitTls { get; set; }

    /// <summary>The implicit FTPS port: 990 by IANA convention (needs root or CAP_NET_BIND_SERVICE); 0 lets the OS choose.</summary>
    public int ImplicitTlsPort { get; set; } = 990;

    /// <summary>PEM certificate (with its chain) or PFX file; empty: a self-signed certificate generated in the data folder.</summary>
    public string CertificateFile { get; set; } = string.Empty;

    /// <summary>PEM private key, when it is not inside <see cref="CertificateFile"/>.</summary>
    public string CertificateKeyFile { get; set; } = string.Empty;

    /// <summary>PFX password, if any.</summary>
    public string CertificatePassword { get; set; } = string.Empty;

    /// <summary>
    /// When a login must be over TLS. ExceptLoopback (default): refused in plain text from the
    /// network, allowed on the machine itself. Anonymous logins are never held to it.
    /// </summary>
    public TlsRequirement RequireTls { get; set; } = TlsRequirement.ExceptLoopback;

    /// <summary>When data connections must be protected (PROT P, RFC 4217 §9); the same default as <see cref="RequireTls"/>.</summary>
    public TlsRequirement RequireDataTls { get; set; } = TlsRequirement.ExceptLoopback;

    /// <summary>Whether TLS data connections must resume the login's TLS session; see <see cref="SessionReusePolicy"/>.</summary>
    public SessionReusePolicy DataTlsSessionReuse { get; set; } = SessionReusePolicy.Adaptive;

    /// <summary>Client addresses or CIDR networks never held to <see cref="DataTlsSessionReuse"/>.</summary>
    public List<string> SessionReuseExemptAddresses { get; set; } = [];

    /// <summary>Users never held to <see cref="DataTlsSessionReuse"/>.</summary>
    public List<string> SessionReuseExemptUsers { get; set; } = [];

    /// <summary>
    /// A TLS upload whose data connection ends without close_notify may be cut short. True
    /// (default): refuse it with 451 so the client retries; false: accept it. The transfer log
    /// marks it either way. curl, lftp, rclone and Python send close_notify (README).
    /// </summary>
    public bool RefuseUploadsWithoutCloseNotify { get; set; } = true;

    /// <summary>How long a TLS handshake may take (control or data connection).</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Per-folder permissions: each rule replaces the named users' own permissions (from the user
    /// store) in its folder and everything below it, the deepest rule winning, as SFTPGo's
    /// per-directory permissions and ProFTPD's &lt;Directory&gt; blocks do. Empty by default: every
    /// user has their account's permissions everywhere in their home.
    /// </summary>
    public List<DirectoryPermissionRule> DirectoryPermissions { get; set; } = [];

    /// <summary>
    /// Active-mode (PORT/EPRT) data connections come from port 20, as RFC 959 §3.2 describes the
    /// server's data port (L-1); vsftpd's connect_from_port_20, off by default here as in vsftpd,
    /// since it needs root (the privileged helper binds it) or CAP_NET_BIND_SERVICE. Some
    /// client-side firewalls only accept active data connections from port 20.
    /// </summary>
    public bool ActiveModeSourcePort20 { get; set; }

    /// <summary>
    /// Logins of the machine's own accounts through PAM (Linux), each jailed in its home; the
    /// check runs in the privileged helper, so it needs Ferry started as root. Off by default: a
    /// file server should not open every shell account to FTP unasked (vsftpd's local_enable=NO upstream).
    /// </summary>
    public bool SystemAccounts { get; set; }

    /// <summary>The PAM service, i.e. /etc/pam.d/ferry (packaging/pam.d/ferry); without that file PAM uses /etc/pam.d/other, which on Debian includes common-auth and common-account. vsftpd's pam_service_name is "vsftpd".</summary>
    public string SystemAccountPamService { get; set; } = "ferry";

    /// <summary>System accounts with a lower uid are refused: 1000 is Debian's UID_MIN (/etc/login.defs); below it are root and system accounts. uid 0 is refused whatever this says.</summary>
    public int SystemAccountMinUid { get; set; } = 1000;

    /// <summary>Names listed here (one per line, # comments) are refused: /etc/ftpusers, the file vsftpd, ProFTPD and Pure-FTPd read. A missing file lists nobody; an unreadable one everybody.</summary>
    public string SystemAccountDenyFile { get; set; } = "/etc/ftpusers";

    /// <summary>System accounts may only list and download (false, the default: everything, as store accounts get by default).</summary>
    public bool SystemAccountReadOnly { get; set; }

    // Admission of connections that have not logged in, and of passive listeners (issue 11,
    // finding 6: 2,000 silent connections filled MaxSessions; 420 PASV sessions took the range).

    /// <summary>
    /// Sessions at once that have not logged in yet; more get 421 at connect, so connections that
    /// never finish a login cannot take the places logged-in users need. Null (the default): a
    /// quarter of <see cref="MaxSessions"/> (500 of 2000), which is still hundreds of logins in
    /// flight at the same moment, more than the password hash can serve; 0 is no limit of its own.
    /// A login moves its session out of this budget; USER or REIN moves it back.
    /// </summary>
    public int? MaxUnauthenticatedSessions { get; set; }

    /// <summary>
    /// Sessions at once from one client address (an IPv6 client by its
    /// <see cref="BanIPv6PrefixLength"/> network) that have not logged in yet; more get 421 at
    /// connect. 16: rclone opens up to 12 connections at once (4 transfers, 8 checkers) and
    /// FileZilla up to 11, each logged in within a few round trips; a third of
    /// <see cref="MaxSessionsPerAddress"/>, so one address cannot hold its whole share unlogged.
    /// 0 is no limit of its own (<see cref="MaxSessionsPerAddress"/> still applies).
    /// </summary>
    public int MaxUnauthenticatedSessionsPerAddress { get; set; } = 16;

    /// <summary>
    /// A connection must send its first complete command line this soon after the 220 greeting, or
    /// it gets 421 and is closed: a client sends AUTH, USER or FEAT within one round trip, and a
    /// person at ftp(1)'s "Name:" prompt types a name in seconds. 15 s: the upper end of Apache's
    /// mod_reqtimeout header=10-20 and half of Kestrel's RequestHeadersTimeout (30 s); vsftpd,
    /// ProFTPD and Pure-FTPd have only their login or idle timeouts (300 s, 300 s, 15 min) for this,
    /// which is what let the slowloris hold its places. 00:00:00 turns it off (LoginTimeout still applies).
    /// </summary>
    public TimeSpan FirstCommandTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// At a stop (SIGTERM), transfers already running get this long to finish before they are cut
    /// (426) and every session hears 421; sessions with no transfer hear 421 at once, and no new
    /// transfer starts meanwhile. 30 s fits within systemd's default TimeoutStopSec (90 s) with room
    /// for the rest of the stop; vsftpd, ProFTPD and Pure-FTPd cut transfers at once. 00:00:00:
    /// cut at once.
    /// </summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Passive listeners (PASV/EPSV) at once from one client address (an IPv6 client by its
    /// <see cref="BanIPv6PrefixLength"/> network) that no transfer has used yet; one more gets 425.
    /// A real client connects within a round trip of the 227/229 reply, so its listener waits for
    /// milliseconds: 10 at once is ten transfers starting in the same instant (FileZilla's maximum
    /// of simultaneous transfers), and is 1% of the default range, so holding the whole range takes
    /// 100 addresses. Each session holds at most one (a new PASV closes the old). 0 is no limit.
    /// </summary>
    public int MaxPassiveListenersPerAddress { get; set; } = 10;

    /// <summary><see cref="MaxUnauthenticatedSessions"/> in force: unless set, a quarter of <see cref="MaxSessions"/>, at least 1 (0 when MaxSessions is 0: no limit).</summary>
    internal int EffectiveMaxUnauthenticatedSessions =>
        MaxUnauthenticatedSessions ?? (MaxSessions > 0 ? Math.Max(1, MaxSessions / 4) : 0);
    // Login throttling (issue 11, finding 4): guesses counted when they start, not when they end.

    /// <summary>
    /// Password checks at once from one address (its ban network); more wait their turn. 2: a person
    /// logs in once at a time, and a mirror's parallel sessions share one check through the
    /// verified-login cache, so only guessing waits; one address then holds at most two hashing
    /// threads, and its guesses cannot fill the queue in front of everyone. 0 is no cap (a
    /// benchmark's login storm from one address); bans still reserve their threshold.
    /// </summary>
    public int MaxLoginChecksPerAddress { get; set; } = 2;

    /// <summary>
    /// The longest one account's checks are spaced apart once it has ten failed logins (checks in
    /// progress included) within <see cref="BanWindow"/>: from 250 ms, doubling per further
    /// failure, from any addresses together; an attempt whose turn is
    /// further away is refused with 421 without a check. 4 s: one account can then be guessed
    /// about 900 times an hour from any number of addresses (the probe did 1,000 in 26 s), while
    /// the owner from a new address waits at most 4 s, and from a recent address or the
    /// verified-login cache not at all. 0 turns it off.
    /// </summary>
    public TimeSpan AccountLoginThrottleMaxDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// Whether a regular file with more than one hard link may be changed in place: APPE, a
    /// REST+STOR resume, SITE CHMOD, MFMT (and STOR through a symlink to it). Off: such a file
    /// shares its inode with another name, which a local user may have made outside the home
    /// (`ln /etc/x ~alice/x`), and a change would reach that file too (issue 11, finding 7); the
    /// client gets 550 naming this setting. Reading, renaming and deleting the name are
    /// unaffected, and so is STOR over it, which writes a new inode and renames it over the name
    /// (issue 13), leaving the shared one alone. vsftpd and ProFTPD have no such check (they write
    /// through).
    /// </summary>
    public bool AllowHardLinkWrites { get; set; }

    /// <summary>
    /// The shortest password `ferry user add` and `ferry user passwd` accept, in Unicode code points
    /// (issue 12). 15: NIST SP 800-63B revision 4 (2025), §3.1.1.2, requires passwords used as a
    /// single factor (as an FTP password is) to be at least 15 characters, and verifiers to permit
    /// at least 64, so the minimum may be 1 to <see cref="MaxMinPasswordLength"/>. Composition
    /// rules are deliberately absent: the same section forbids them. Imported hashes
    /// (`ferry user import`) are not checked: their passwords are unknown, and refusing them
    /// would lock out the accounts being migrated.
    /// </summary>
    public int MinPasswordLength { get; set; } = 15;

    /// <summary>The largest <see cref="MinPasswordLength"/>: NIST SP 800-63B rev. 4 asks verifiers to accept passwords of at least 64 characters.</summary>
    public const int MaxMinPasswordLength = 64;

    /// <summary>
    /// The largest file (or X* range) HASH, XCRC, XMD5, XSHA1, XSHA256 and XSHA512 read to
    /// compute a checksum, and the largest upload whose SHA-256 is kept (issue 13). Larger files
    /// get 556 to HASH (draft-bryan-ftpext-hash §3.5: "cannot be processed for policy reasons")
    /// and 550 to the X* commands; a kept checksum is answered whatever the size. Hashing runs
    /// on the session's command loop and takes a core for about a second per GiB here, so the
    /// default, 4 GiB, bounds what one command costs while covering ISO images and most
    /// backups. ProFTPD's DigestMaxSize has no limit by default. 0 turns computing off (kept
    /// checksums are still answered).
    /// </summary>
    public long MaxHashFileSize { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// Whether an upload's SHA-256 is computed and kept with the file, so HASH and XSHA256 right
    /// after the upload answer at once (issue 13), and written to the transfer log. AfterUpload
    /// (the default) reads the committed file back after the 226, while it is still in the page
    /// cache: splice keeps STOR's bytes out of user space, and hashing as they arrive would
    /// force the copy loop (bench/upload-checksum.sh measures both). Off: nothing is computed.
    /// </summary>
    public UploadChecksumMode UploadChecksum { get; set; } = UploadChecksumMode.AfterUpload;

    /// <summary>
    /// The smallest upload whose SHA-256 <see cref="UploadChecksum"/> computes and keeps (bytes).
    /// The read-back costs a few system calls per file, which cost 21% of the small-file upload
    /// rate (1,000 files of 4 KiB: docs/benchmarks.md), while HASH of a small file computed on
    /// demand answers in well under a millisecond anyway: kept checksums matter for large files.
    /// 1 MiB by default; 0 keeps (and logs) every upload's SHA-256, for an audit trail.
    /// </summary>
    public long UploadChecksumMinSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Whether STOR and STOU write a hidden temporary file in the target's folder and rename it
    /// over the target only when the upload completed (issue 13), so the old file stays whole and
    /// readable until then and a reader never sees a half file. On by default: a feed consumer
    /// must never pick up a half-written delivery (Pure-FTPd's --notruncate and ProFTPD's
    /// HiddenStores offer the same, off by default there). False writes into the target as it
    /// arrives, for a consumer that reads a file while it grows (log shipping); an aborted upload
    /// then stays under its name, whatever <see cref="AbortedUploads"/> says.
    /// </summary>
    public bool AtomicUploads { get; set; } = true;

    /// <summary>
    /// What an aborted STOR or STOU leaves behind (issue 13). Uploads write a hidden temporary
    /// file beside the target and rename it over the target on success, so a reader never sees a
    /// half-written file under the target's name either way. Keep (the default): the partial data
    /// stays under a hidden name that no listing shows, SIZE and MDTM of the target name answer it
    /// while no file has that name, and REST+STOR or APPE continue it, so `curl -C -` and
    /// `lftp put -c` resume; the commit renames it over the target. Delete: it is removed, as
    /// ProFTPD does with HiddenStores (which refuses REST for such uploads); Pure-FTPd's
    /// --notruncate leaves its temporary files behind instead. Keep, because a feed consumer
    /// never sees the partial either way and a large upload over a flaky link can resume.
    /// </summary>
    public AbortedUploads AbortedUploads { get; set; } = AbortedUploads.Keep;

    /// <summary>
    /// Whether an upload's data is flushed to disk (fdatasync) before the rename that publishes it
    /// and before the 226 (issue 13). On: after a crash or power cut the name holds the old file
    /// or the whole new one, never a new name over blocks that were not written yet (ext4's
    /// auto_da_alloc only covers a rename over an existing file, XFS and btrfs not even that), and
    /// a 226 means the bytes are on disk. It costs a disk flush per file: on ext4
    /// (bench/atomic-uploads.sh, a shared 2-core VM, so rough) 1,000 files of 4 KiB ran at 24-44
    /// files/s with it and 138 without, and a new 1 GiB file took 3.7-3.9 s with it and 2.0 s
    /// without. Off by default, as vsftpd, ProFTPD and Pure-FTPd (none of them syncs): the rename
    /// is still atomic for readers, and a killed server (not a power cut) loses nothing, since
    /// written data is in the page cache; issue 13 asks atomic uploads to cost within 5% of
    /// in-place writes, which a flush per file cannot.
    /// </summary>
    public bool SyncUploads { get; set; }

    // Quotas and upload modes (issue 13 part 4).

    /// <summary>
    /// The byte quota of every user whose account sets none (`ferry user set --quota-bytes`); 0:
    /// no limit. Off by default, as in vsftpd, ProFTPD and Pure-FTPd, which all need a quota
    /// configured; an upload that would pass it gets 552 (RFC 959) and leaves nothing behind.
    /// </summary>
    public long DefaultQuotaBytes { get; set; }

    /// <summary>The file-count quota of every user whose account sets none (`--quota-files`); 0: no limit (folders never count).</summary>
    public long DefaultQuotaFiles { get; set; }

    /// <summary>
    /// The umask of uploaded files and created folders, in octal, applied with an explicit
    /// fchmod so the process umask cannot change it; a user's own (`ferry user set --umask`)
    /// wins. Files get 0666 and folders 0777 less these bits. 022 (0644 files, 0755 folders):
    /// ProFTPD's Umask default and what Debian's vsftpd.conf sets; vsftpd's built-in 077 would
    /// hide a drop folder's files from the process that picks them up, which is the point of a
    /// file-exchange server. Ferry made 0666/0777 less the process umask before, 0644 under the
    /// usual 022, so this keeps that.
    /// </summary>
    public string UploadUmask { get; set; } = "022";

    /// <summary>
    /// The owner given to uploaded files and created folders (a user name or a numeric uid),
    /// with fchown on the opened descriptor, as vsftpd's chown_uploads/chown_username; empty:
    /// the server's own user. Needs CAP_CHOWN (root, or a privileged helper): without it the
    /// upload is kept and a warning logged.
    /// </summary>
    public string UploadOwner { get; set; } = string.Empty;

    /// <summary>The group given to uploaded files and created folders (a group name or a numeric gid); empty: the server's own group (or the folder's, with setgid).</summary>
    public string UploadGroup { get; set; } = string.Empty;

    internal UnixFileMode ParsedUploadUmask => (UnixFileMode)UploadModes.ParseUmask(UploadUmask)!.Value;

    internal SystemAccountOptions SystemAccountRules => new()
    {
        Enabled = SystemAccounts,
        PamService = SystemAccountPamService,
        MinUid = SystemAccountMinUid,
        DenyFile = SystemAccountDenyFile,
    };

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

        if (ImplicitTls && (ImplicitTlsPort is < 0 or > 65535 || (ImplicitTlsPort != 0 && ImplicitTlsPort == Port)))
        {
            errors.Add($"ImplicitTlsPort: {ImplicitTlsPort} must be a port number (0-65535) other than Port.");
        }

        if (!string.IsNullOrWhiteSpace(CertificateFile) && IsMissing(CertificateFile))
        {
            errors.Add($"CertificateFile: '{CertificateFile}' does not exist.");
        }

        if (!string.IsNullOrWhiteSpace(CertificateKeyFile) && IsMissing(CertificateKeyFile))
        {
            errors.Add($"CertificateKeyFile: '{CertificateKeyFile}' does not exist.");
        }

        foreach (var network in SessionReuseExemptAddresses)
        {
            try
            {
                _ = DataChannels.AddressRules.ParseNetwork(network);
            }
            catch (FormatException)
            {
                errors.Add($"SessionReuseExemptAddresses: '{network}' is not an address or CIDR network.");
            }
        }

        if (TlsHandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add("TlsHandshakeTimeout: must be positive.");
        }

        if (MaxSessions < 0 || MaxSessionsPerAddress < 0 || MaxSessionsPerUser < 0)
        {
            errors.Add("MaxSessions, MaxSessionsPerAddress, MaxSessionsPerUser: must be 0 (no limit) or more.");
        }

        if (FailedLoginDelay < TimeSpan.Zero)
        {
            errors.Add("FailedLoginDelay: must not be negative.");
        }

        if (MaxLoginAttempts < 1)
        {
            errors.Add($"MaxLoginAttempts: {MaxLoginAttempts} must be 1 or more.");
        }

        if (VerifiedLoginCacheTime < TimeSpan.Zero || VerifiedLoginCacheTime > TimeSpan.FromDays(1))
        {
            errors.Add("VerifiedLoginCacheTime: must be between 00:00:00 (off) and 1.00:00:00.");
        }

        if (BanFailedLogins is < 0 or > 1000)
        {
            errors.Add($"BanFailedLogins: {BanFailedLogins} must be 0 (no bans) to 1000.");
        }

        if (BanWindow <= TimeSpan.Zero || BanDuration <= TimeSpan.Zero)
        {
            errors.Add("BanWindow, BanDuration: must be positive.");
        }

        foreach (var network in BanAllowList)
        {
            try
            {
                _ = DataChannels.AddressRules.ParseNetwork(network);
            }
            catch (FormatException)
            {
                errors.Add($"BanAllowList: '{network}' is not an address or CIDR network.");
            }
        }

        if (BanIPv6PrefixLength is < 32 or > 128)
        {
            errors.Add($"BanIPv6PrefixLength: {BanIPv6PrefixLength} must be between 32 and 128.");
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add("IdleTimeout: must be positive.");
        }

        if (LoginTimeout <= TimeSpan.Zero)
        {
            errors.Add("LoginTimeout: must be positive.");
        }

        if (DataStallTimeout <= TimeSpan.Zero)
        {
            errors.Add("DataStallTimeout: must be positive.");
        }

        if (TransferBufferSize is < 4096 or > 16 * 1024 * 1024)
        {
            errors.Add($"TransferBufferSize: {TransferBufferSize} must be between 4096 and 16777216.");
        }

        ValidateRateLimits(errors);

        // Checked only when used. ActiveModeSourcePort20 needs nothing here: the host refuses it
        // at start when the process cannot bind port 20.
        if (SystemAccounts)
        {
            if (string.IsNullOrWhiteSpace(SystemAccountPamService) || SystemAccountPamService.Contains('/', StringComparison.Ordinal))
            {
                errors.Add($"SystemAccountPamService: '{SystemAccountPamService}' must be a PAM service name (a file name in /etc/pam.d).");
            }

            if (SystemAccountMinUid < 1)
            {
                errors.Add($"SystemAccountMinUid: {SystemAccountMinUid} must be 1 or more (uid 0, root, never logs in).");
            }

            if (string.IsNullOrWhiteSpace(SystemAccountDenyFile) || !Path.IsPathRooted(SystemAccountDenyFile))
            {
                errors.Add($"SystemAccountDenyFile: '{SystemAccountDenyFile}' must be an absolute path.");
            }
        }

        if (AllowAnonymous && !Directory.Exists(AnonymousRoot))
        {
            errors.Add($"AnonymousRoot: '{AnonymousRoot}' is not a readable directory (needed because AllowAnonymous is true).");
        }

        errors.AddRange(Security.DirectoryPermissions.Validate(DirectoryPermissions));

        if (MaxUnauthenticatedSessions < 0)
        {
            errors.Add($"MaxUnauthenticatedSessions: {MaxUnauthenticatedSessions} must be null (a quarter of MaxSessions), 0 (no limit of its own) or more.");
        }

        if (MaxUnauthenticatedSessionsPerAddress < 0)
        {
            errors.Add($"MaxUnauthenticatedSessionsPerAddress: {MaxUnauthenticatedSessionsPerAddress} must be 0 (no limit of its own) or more.");
        }

        if (MaxPassiveListenersPerAddress < 0)
        {
            errors.Add($"MaxPassiveListenersPerAddress: {MaxPassiveListenersPerAddress} must be 0 (no limit) or more.");
        }

        if (ShutdownDrainTimeout < TimeSpan.Zero || ShutdownDrainTimeout > TimeSpan.FromMinutes(30))
        {
            errors.Add($"ShutdownDrainTimeout: {ShutdownDrainTimeout} must be between 00:00:00 (cut transfers at once) and 00:30:00.");
        }

        if (FirstCommandTimeout < TimeSpan.Zero)
        {
            errors.Add($"FirstCommandTimeout: {FirstCommandTimeout} must be positive, or 00:00:00 (off).");
        }

        if (MaxLoginChecksPerAddress is < 0 or > 1000)
        {
            errors.Add($"MaxLoginChecksPerAddress: {MaxLoginChecksPerAddress} must be 0 (no cap) to 1000.");
        }

        if (AccountLoginThrottleMaxDelay < TimeSpan.Zero || AccountLoginThrottleMaxDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add($"AccountLoginThrottleMaxDelay: {AccountLoginThrottleMaxDelay} must be between 00:00:00 (off) and 00:01:00.");
        }

        if (MinPasswordLength is < 1 or > MaxMinPasswordLength)
        {
            errors.Add($"MinPasswordLength: {MinPasswordLength} must be between 1 and {MaxMinPasswordLength}.");
        }

        if (MaxHashFileSize < 0)
        {
            errors.Add($"MaxHashFileSize: {MaxHashFileSize} must be 0 (computing off) or more bytes.");
        }

        if (!Enum.IsDefined(UploadChecksum))
        {
            errors.Add($"UploadChecksum: {UploadChecksum} must be Off or AfterUpload.");
        }

        if (UploadChecksumMinSize < 0)
        {
            errors.Add($"UploadChecksumMinSize: {UploadChecksumMinSize} must be 0 (every upload) or more bytes.");
        }

        if (!Enum.IsDefined(AbortedUploads))
        {
            errors.Add($"AbortedUploads: {AbortedUploads} must be Keep or Delete.");
        }

        if (DefaultQuotaBytes < 0 || DefaultQuotaFiles < 0)
        {
            errors.Add($"DefaultQuotaBytes, DefaultQuotaFiles: {DefaultQuotaBytes}, {DefaultQuotaFiles} must be 0 (no limit) or more.");
        }

        if (UploadModes.ParseUmask(UploadUmask) is null)
        {
            errors.Add($"UploadUmask: '{UploadUmask}' must be an octal umask of up to 3 digits, such as 022, 027 or 077.");
        }

        if (UploadModes.ResolveOwner(UploadOwner) is null)
        {
            errors.Add($"UploadOwner: '{UploadOwner}' is no user of this system (a name or a numeric uid, or empty).");
        }

        if (UploadModes.ResolveGroup(UploadGroup) is null)
        {
            errors.Add($"UploadGroup: '{UploadGroup}' is no group of this system (a name or a numeric gid, or empty).");
        }

        return errors;
    }

    /// <summary>
    /// The smallest positive limit accepted: 1024 B/s. Anything less is almost certainly a value
    /// meant in KiB/s or MiB/s (the keys are bytes per second), and would turn a 1 MiB file into a
    /// quarter of an hour; refusing it at start is kinder than a server that seems to hang.
    /// </summary>
    internal const long MinimumRateLimit = 1024;

    private void ValidateRateLimits(List<string> errors)
    {
        CheckRate(nameof(DownloadRateLimit), DownloadRateLimit);
        CheckRate(nameof(UploadRateLimit), UploadRateLimit);
        CheckRate(nameof(UserDownloadRateLimit), UserDownloadRateLimit);
        CheckRate(nameof(UserUploadRateLimit), UserUploadRateLimit);
        CheckRate(nameof(ServerDownloadRateLimit), ServerDownloadRateLimit);
        CheckRate(nameof(ServerUploadRateLimit), ServerUploadRateLimit);
        foreach (var (user, limit) in UserRateLimits)
        {
            if (string.IsNullOrWhiteSpace(user))
            {
                errors.Add("UserRateLimits: a user name is empty.");
            }

            if (limit is null)
            {
                errors.Add($"UserRateLimits:{user}: needs Download and/or Upload.");
                continue;
            }

            if (limit.Download is { } download)
            {
                CheckRate($"UserRateLimits:{user}:Download", download);
            }

            if (limit.Upload is { } upload)
            {
                CheckRate($"UserRateLimits:{user}:Upload", upload);
            }
        }

        void CheckRate(string key, long value)
        {
            if (value < 0)
            {
                errors.Add($"{key}: {value} must be 0 (no limit) or more bytes per second.");
            }
            else if (value is > 0 and < MinimumRateLimit)
            {
                errors.Add($"{key}: {value} bytes per second is below the minimum of {MinimumRateLimit}; the value is bytes per second (1048576 is 1 MiB/s), 0 is no limit.");
            }
        }
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

    /// <summary>
    /// Whether a configured file is surely not there. One this process may not even look at is not
    /// "missing": started as root, Ferry reads its certificate before it drops to RunAsUser, which
    /// cannot enter a 0700 folder such as certbot's /etc/letsencrypt/live; File.Exists says false
    /// there, and the server built after the drop (and every reload) refused a certificate that works.
    /// </summary>
    private static bool IsMissing(string path)
    {
        try
        {
            return (File.GetAttributes(path) & FileAttributes.Directory) != 0;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
        {
            return true;
        }
    }
}
