using System.Net;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Diagnostics;

/// <summary>
/// Every log record the engine writes, with stable event ids (1xxx sessions, 2xxx commands, 3xxx
/// transfers, 4xxx server, 54xx permissions). A parameter that carries text a client chose (user
/// names, paths, command lines, replies that echo them, reasons that name a path) is a
/// <see cref="ClientText"/>, never a string: it prints quoted and escaped, so a client cannot
/// forge a record or split a line (issue 11, finding 3). Strings are for text Ferry composes.
/// </summary>
internal static partial class FerryLog
{
    [LoggerMessage(1000, LogLevel.Information, "Session {SessionId} started from {RemoteEndPoint}")]
    public static partial void SessionStarted(ILogger logger, long sessionId, EndPoint? remoteEndPoint);

    [LoggerMessage(1001, LogLevel.Information, "Session {SessionId} ended (user {User}, {Duration:0.0} s)")]
    public static partial void SessionEnded(ILogger logger, long sessionId, ClientText user, double duration);

    [LoggerMessage(1002, LogLevel.Information, "Session {SessionId}: user {User} logged in")]
    public static partial void LoggedIn(ILogger logger, long sessionId, ClientText user);

    [LoggerMessage(1003, LogLevel.Warning, "Session {SessionId}: failed login for {User} from {RemoteAddress}")]
    public static partial void LoginFailed(ILogger logger, long sessionId, ClientText user, IPAddress remoteAddress);

    [LoggerMessage(1004, LogLevel.Error, "Session {SessionId}: home directory of {User} is unusable")]
    public static partial void HomeUnavailable(ILogger logger, long sessionId, ClientText user, Exception exception);

    [LoggerMessage(1005, LogLevel.Debug, "Session {SessionId} ended with an error")]
    public static partial void SessionFaulted(ILogger logger, long sessionId, Exception exception);

    // 1003 and 1006 are what packaging/fail2ban/filter.d/ferry.conf reads: keep their text and
    // the order of their fields (the client's address last in 1003, first in 1006) in step with it.
    [LoggerMessage(1006, LogLevel.Warning, "Banned {RemoteAddress} (network {Network}) until {Until:u} after {Failures} failed logins within {Window}")]
    public static partial void AddressBanned(ILogger logger, IPAddress remoteAddress, string network, DateTimeOffset until, int failures, TimeSpan window);

    [LoggerMessage(1007, LogLevel.Debug, "Refused a connection from banned {RemoteAddress}")]
    public static partial void BannedConnectionRefused(ILogger logger, IPAddress remoteAddress);

    [LoggerMessage(1030, LogLevel.Warning, "An administrator banned {Network} until {Until:u}: {Reason}")]
    public static partial void AddressBannedByAdministrator(ILogger logger, string network, DateTimeOffset until, ClientText reason);

    [LoggerMessage(1031, LogLevel.Information, "An administrator lifted the ban on {Network}")]
    public static partial void AddressBanLifted(ILogger logger, string network);

    [LoggerMessage(1032, LogLevel.Information, "Session {SessionId} of {User} from {RemoteAddress} disconnected by an administrator")]
    public static partial void SessionDisconnectedByAdministrator(ILogger logger, long sessionId, ClientText user, IPAddress remoteAddress);

    [LoggerMessage(2000, LogLevel.Debug, "Session {SessionId} <- {Command}")]
    public static partial void CommandReceived(ILogger logger, long sessionId, ClientText command);

    [LoggerMessage(2001, LogLevel.Debug, "Session {SessionId} -> {Reply}")]
    public static partial void ReplySent(ILogger logger, long sessionId, ClientText reply);

    [LoggerMessage(2002, LogLevel.Error, "Session {SessionId}: command {Verb} failed unexpectedly")]
    public static partial void CommandFailed(ILogger logger, long sessionId, ClientText verb, Exception exception);

    [LoggerMessage(3000, LogLevel.Information, "Session {SessionId}: {Direction} {Path} by {User}: {Bytes} bytes in {Duration:0.000} s, {Result}")]
    public static partial void Transfer(ILogger logger, long sessionId, string direction, ClientText path, ClientText user, long bytes, double duration, string result);

    [LoggerMessage(3001, LogLevel.Warning, "Session {SessionId}: refused a data connection from {RemoteAddress} (the control connection is from {ExpectedAddress})")]
    public static partial void ForeignDataConnection(ILogger logger, long sessionId, IPAddress remoteAddress, IPAddress expectedAddress);

    [LoggerMessage(3002, LogLevel.Error, "Session {SessionId}: transfer failed unexpectedly")]
    public static partial void TransferFailed(ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(3003, LogLevel.Warning, "Session {SessionId}: refused a TLS data connection from {RemoteAddress} (user {User}): it {What}")]
    public static partial void SessionReuseRefused(ILogger logger, long sessionId, IPAddress remoteAddress, ClientText user, string what);

    [LoggerMessage(3004, LogLevel.Information, "Session {SessionId}: TLS data connection from {RemoteAddress} (user {User}) {What}; allowed by DataTlsSessionReuse={Policy}")]
    public static partial void SessionReuseMissing(ILogger logger, long sessionId, IPAddress remoteAddress, ClientText user, string what, string policy);

    [LoggerMessage(4002, LogLevel.Information, "TLS session-reuse check works on this runtime (self-test passed)")]
    public static partial void SessionReuseSelfTestPassed(ILogger logger);

    [LoggerMessage(4003, LogLevel.Warning, "TLS session-reuse check unavailable ({Reason}); data connections are not checked")]
    public static partial void SessionReuseSelfTestFailed(ILogger logger, string reason);

    [LoggerMessage(4000, LogLevel.Information, "Listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(5200, LogLevel.Debug, "Session {SessionId}: {Direction} {Path} is rate-limited: session {SessionRate} B/s, user {UserRate} B/s, server {ServerRate} B/s (0: no such limit)")]
    public static partial void TransferThrottled(ILogger logger, long sessionId, string direction, ClientText path, long sessionRate, long userRate, long serverRate);

    // 5400 (a permission refusal) is now the audit record 7102, which carries the same fields and the action.

    [LoggerMessage(5300, LogLevel.Information, "Privileges dropped: serving as {User} (uid {Uid}, gid {Gid}); the privileged helper (pid {HelperPid}) keeps root for binding and system-account checks only")]
    public static partial void PrivilegesDropped(ILogger logger, string user, uint uid, uint gid, int helperPid);

    [LoggerMessage(5301, LogLevel.Error, "The privileged helper exited; binding port 20 and system-account logins fail until Ferry is restarted")]
    public static partial void PrivilegedHelperExited(ILogger logger);

    [LoggerMessage(5302, LogLevel.Information, "Using {Count} listening socket(s) passed by systemd (socket activation)")]
    public static partial void SocketActivation(ILogger logger, int count);

    [LoggerMessage(5303, LogLevel.Warning, "Serving as the shared account {User}: other services running as {User} can reach Ferry's data folder; set RunAsUser to a dedicated account (useradd --system --no-create-home --shell /usr/sbin/nologin ferry)")]
    public static partial void SharedRunAsUser(ILogger logger, string user);

    // 612x: the upload path (splice(2) or the copy loop).
    [LoggerMessage(6120, LogLevel.Debug, "Session {SessionId}: {Verb} {Path} receives through {Method}")]
    public static partial void UploadMethod(ILogger logger, long sessionId, string verb, ClientText path, string method);

    [LoggerMessage(6121, LogLevel.Debug, "Session {SessionId}: {Verb} {Path} goes on through the copy loop after {Bytes} bytes by splice: {Reason}")]
    public static partial void SpliceFallback(ILogger logger, long sessionId, string verb, ClientText path, long bytes, string reason);

    // 4030-4049: admission (session budgets, the first-command deadline, passive listeners; issue 11, finding 6).
    [LoggerMessage(4030, LogLevel.Debug, "Session {SessionId}: no complete command line within {Timeout} of the greeting; closing")]
    public static partial void FirstCommandTimedOut(ILogger logger, long sessionId, TimeSpan timeout);

    [LoggerMessage(4031, LogLevel.Warning, "PassivePorts {PassiveMin}-{PassiveMax} overlap the kernel's ephemeral port range {EphemeralMin}-{EphemeralMax} (net.ipv4.ip_local_port_range): {Overlap} passive ports can be taken by outgoing connections, and PASV then runs short (425). Fix: move PassivePorts outside that range, or reserve the ports for Ferry (add them to net.ipv4.ip_local_reserved_ports, e.g. sysctl -w net.ipv4.ip_local_reserved_ports={PassiveMin}-{PassiveMax})")]
    public static partial void PassivePortsInEphemeralRange(ILogger logger, int passiveMin, int passiveMax, int ephemeralMin, int ephemeralMax, int overlap);

    [LoggerMessage(4032, LogLevel.Debug, "Session {SessionId}: refused a passive listener for {RemoteAddress}: its network has {Limit} waiting to be used (MaxPassiveListenersPerAddress)")]
    public static partial void PassiveListenerLimitReached(ILogger logger, long sessionId, IPAddress remoteAddress, int limit);

    [LoggerMessage(4033, LogLevel.Debug, "Refused a connection from {RemoteAddress}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, IPAddress remoteAddress, string reason);

    [LoggerMessage(4034, LogLevel.Debug, "Session {SessionId}: closed to make room for a newer connection (MaxUnauthenticatedSessions full; it had sent no command yet)")]
    public static partial void EvictedForNewerConnection(ILogger logger, long sessionId);

    // 1020-1039: login throttling (issue 11, finding 4). User names are client text (ClientText).
    [LoggerMessage(1020, LogLevel.Warning, "Slowing logins for {User}: {Recent} failed or pending logins within {Window}; each further check waits its turn, up to {MaxDelay}, except from addresses that logged into it recently")]
    public static partial void AccountThrottled(ILogger logger, ClientText user, int recent, TimeSpan window, TimeSpan maxDelay);

    [LoggerMessage(1021, LogLevel.Debug, "Session {SessionId}: login for {User} from {RemoteAddress} waits {Delay} for its turn")]
    public static partial void LoginDelayedForAccount(ILogger logger, long sessionId, ClientText user, IPAddress remoteAddress, TimeSpan delay);

    [LoggerMessage(1022, LogLevel.Debug, "Session {SessionId}: refused a login for {User} from {RemoteAddress} without a check: its turn would come in {Wait}, over AccountLoginThrottleMaxDelay")]
    public static partial void LoginRefusedForAccount(ILogger logger, long sessionId, ClientText user, IPAddress remoteAddress, TimeSpan wait);

    [LoggerMessage(1023, LogLevel.Debug, "Session {SessionId}: login from {RemoteAddress} waits behind {Ahead} password checks of its network")]
    public static partial void LoginWaitsForAddress(ILogger logger, long sessionId, IPAddress remoteAddress, int ahead);

    [LoggerMessage(1024, LogLevel.Debug, "Session {SessionId}: login for {User} from {RemoteAddress} takes the fast lane ({Reason})")]
    public static partial void LoginFastLane(ILogger logger, long sessionId, ClientText user, IPAddress remoteAddress, string reason);

    [LoggerMessage(1025, LogLevel.Debug, "Session {SessionId}: login from {RemoteAddress} refused without a check: banned until {Until:u}")]
    public static partial void LoginRefusedWhileBanned(ILogger logger, long sessionId, IPAddress remoteAddress, DateTimeOffset until);

    // Connection and server lifecycle (issue 11 findings 1, 2, 9, 10): 1010-1019 and 4010-4029.
    [LoggerMessage(1010, LogLevel.Debug, "Session {SessionId}: releasing its {Step} failed ({ErrorType}: {Error}); the remaining steps ran")]
    public static partial void ReleaseStepFailed(ILogger logger, long sessionId, string step, string errorType, string error);

    [LoggerMessage(1011, LogLevel.Information, "Session {SessionId}: the client went away during {Activity} ({Reason})")]
    public static partial void ClientWentAway(ILogger logger, long sessionId, string activity, string reason);

    [LoggerMessage(1012, LogLevel.Debug, "Session {SessionId}: {Direction} {Path} got no data connection ({Reason})")]
    public static partial void NoDataConnection(ILogger logger, long sessionId, string direction, ClientText path, string reason);

    [LoggerMessage(4010, LogLevel.Warning, "Stopping: {Count} session(s) still open after {Grace}; closing their sockets")]
    public static partial void StopAbortingSessions(ILogger logger, int count, TimeSpan grace);

    [LoggerMessage(4011, LogLevel.Warning, "Accepting connections fails ({Error}): {Refused} connection(s) answered 421 and {Failed} accept(s) failed in the last {Seconds:0} s; retrying with back-off")]
    public static partial void AcceptStarved(ILogger logger, string error, long refused, long failed, double seconds);

    [LoggerMessage(4012, LogLevel.Information, "Accepting connections again after {Seconds:0.0} s of failures ({Refused} connection(s) answered 421 meanwhile)")]
    public static partial void AcceptRecovered(ILogger logger, double seconds, long refused);

    // Defaults that turn against the admin (issue 12): 8000-8019.
    [LoggerMessage(8000, LogLevel.Warning, "{RemoteAddress} reached {Failures} failed logins within {Window} and would have been banned; allow-listed by BanAllowList")]
    public static partial void AllowListedAddressReachedBan(ILogger logger, IPAddress remoteAddress, int failures, TimeSpan window);

    [LoggerMessage(8001, LogLevel.Warning, "Session {SessionId}: the operating system refused {Verb} {Path} for {User} ({Error}); the server runs as '{Account}', which may not write in the home {Home}. If it should, run: chown -R {Account}: {Home}")]
    public static partial void OsPermissionRefused(ILogger logger, long sessionId, string verb, ClientText path, ClientText user, ClientText error, string account, string home);

    // Command table columns and storage cancellation (issue 13, part 5): 5650-5699.
    [LoggerMessage(5650, LogLevel.Debug, "Session {SessionId}: {Verb} refused with 502: the storage lacks {Capability}")]
    public static partial void CommandNeedsCapability(ILogger logger, long sessionId, string verb, Storage.FileSystemCapabilities capability);

    [LoggerMessage(5651, LogLevel.Debug, "Session {SessionId}: the client closed the control connection while {Verb} was running; cancelling it")]
    public static partial void ClientLeftDuringCommand(ILogger logger, long sessionId, ClientText verb);
    // Checksums (issue 13, HASH and the X* commands, kept upload checksums): 5550-5599.
    [LoggerMessage(5550, LogLevel.Debug, "Session {SessionId}: {Verb} {Path}: {Algorithm} answered from the checksum kept with the file")]
    public static partial void ChecksumKept(ILogger logger, long sessionId, string verb, ClientText path, string algorithm);

    [LoggerMessage(5551, LogLevel.Debug, "Session {SessionId}: {Verb} {Path}: {Algorithm} computed over {Bytes} bytes in {Duration:0.000} s")]
    public static partial void ChecksumComputed(ILogger logger, long sessionId, string verb, ClientText path, string algorithm, long bytes, double duration);

    [LoggerMessage(5552, LogLevel.Information, "Session {SessionId}: {Direction} {Path} by {User}: SHA-256 {Checksum} ({Bytes} bytes, read back in {Duration:0.000} s)")]
    public static partial void UploadChecksum(ILogger logger, long sessionId, string direction, ClientText path, ClientText user, string checksum, long bytes, double duration);

    [LoggerMessage(5554, LogLevel.Information, "Session {SessionId}: {Direction} {Path} by {User}: SHA-256 {Checksum} ({Bytes} bytes, computed as they arrived)")]
    public static partial void UploadChecksumOnTheWay(ILogger logger, long sessionId, string direction, ClientText path, ClientText user, string checksum, long bytes);

    [LoggerMessage(5553, LogLevel.Debug, "Session {SessionId}: {Direction} {Path}: no SHA-256 kept ({Reason})")]
    public static partial void UploadChecksumSkipped(ILogger logger, long sessionId, string direction, ClientText path, string reason);
    // Atomic uploads on local disk (issue 13, part 1): 5500-5549.
    [LoggerMessage(5500, LogLevel.Debug, "Aborted upload to {Path}: {Bytes} byte(s) kept under a hidden name for a resume")]
    public static partial void AbortedUploadKept(ILogger logger, ClientText path, long bytes);

    [LoggerMessage(5501, LogLevel.Debug, "Aborted upload to {Path}: its temporary file was removed ({Reason})")]
    public static partial void AbortedUploadRemoved(ILogger logger, ClientText path, string reason);

    [LoggerMessage(5502, LogLevel.Information, "Removed {Count} temporary upload file(s) left by an earlier run of the server in a folder")]
    public static partial void StaleUploadsRemoved(ILogger logger, int count);

    [LoggerMessage(5503, LogLevel.Warning, "Cleaning up after the upload to {Path} failed ({Error}); a hidden temporary file may remain until the next start")]
    public static partial void UploadCleanupFailed(ILogger logger, ClientText path, string error);
    // Quotas and upload modes (issue 13 part 4): 5600-5649.
    [LoggerMessage(5600, LogLevel.Information, "Quota usage of {User} counted: {Bytes} bytes in {Files} files ({Milliseconds:0} ms)")]
    public static partial void QuotaUsageCounted(ILogger logger, ClientText user, long bytes, long files, double milliseconds);

    [LoggerMessage(5601, LogLevel.Information, "Quota usage of {User} taken from the user store (ferry user quota --scan at {At:u}): {Bytes} bytes in {Files} files")]
    public static partial void QuotaUsageAdopted(ILogger logger, ClientText user, long bytes, long files, DateTimeOffset at);

    [LoggerMessage(5602, LogLevel.Warning, "Setting the owner of {Path} (user {User}) to {Uid}:{Gid} failed ({Error}); the entry is kept. The server needs CAP_CHOWN (root) for UploadOwner/UploadGroup")]
    public static partial void UploadChownFailed(ILogger logger, ClientText user, ClientText path, int uid, int gid, string error);

    [LoggerMessage(7200, LogLevel.Information, "Stopping: waiting up to {Seconds:0} s for {Transfers} running transfer(s) to finish (setting ShutdownDrainTimeout); no new transfer starts")]
    public static partial void StopWaitingForTransfers(ILogger logger, int transfers, double seconds);

    [LoggerMessage(7201, LogLevel.Information, "Stopping: {Finished} transfer(s) finished, {Cut} cut")]
    public static partial void StopDrained(ILogger logger, int finished, int cut);

    [LoggerMessage(7202, LogLevel.Error, "Reload refused, the running configuration stays in force: {Reason}")]
    public static partial void ReloadRefused(ILogger logger, string reason);

    [LoggerMessage(7203, LogLevel.Warning, "Reload: {Setting} changed, but only a restart applies it; the running value is kept")]
    public static partial void ReloadKeptSetting(ILogger logger, string setting);

    [LoggerMessage(7204, LogLevel.Information, "Configuration reloaded: new sessions get the new settings, running ones keep theirs (certificate SHA-256 {Fingerprint}; {Kept} setting(s) wait for a restart)")]
    public static partial void Reloaded(ILogger logger, string fingerprint, int kept);
    // Logs, xferlog and audit (issue 14): 7100-7149. The audit records (7100-7103) are written at
    // the default level for every change a user makes and every operation refused, with stable
    // field names: Outcome ("done" or "refused"), Action (AuditActions.Name), Path, Target, Verb,
    // User, RemoteAddress, Reason. 7100/7102 and 7101/7103 differ only by the rename's Target.
    [LoggerMessage(7100, LogLevel.Information, "Session {SessionId}: audit {Outcome}: {Action} {Path} ({Verb}) by {User} from {RemoteAddress}")]
    public static partial void AuditDone(ILogger logger, long sessionId, string outcome, string action, ClientText path, string verb, ClientText user, IPAddress remoteAddress);

    [LoggerMessage(7101, LogLevel.Information, "Session {SessionId}: audit {Outcome}: {Action} {Path} to {Target} ({Verb}) by {User} from {RemoteAddress}")]
    public static partial void AuditDoneWithTarget(ILogger logger, long sessionId, string outcome, string action, ClientText path, ClientText target, string verb, ClientText user, IPAddress remoteAddress);

    [LoggerMessage(7102, LogLevel.Information, "Session {SessionId}: audit {Outcome}: {Action} {Path} ({Verb}) by {User} from {RemoteAddress}: {Reason}")]
    public static partial void AuditRefused(ILogger logger, long sessionId, string outcome, string action, ClientText path, string verb, ClientText user, IPAddress remoteAddress, ClientText reason);

    [LoggerMessage(7103, LogLevel.Information, "Session {SessionId}: audit {Outcome}: {Action} {Path} to {Target} ({Verb}) by {User} from {RemoteAddress}: {Reason}")]
    public static partial void AuditRefusedWithTarget(ILogger logger, long sessionId, string outcome, string action, ClientText path, ClientText target, string verb, ClientText user, IPAddress remoteAddress, ClientText reason);

    [LoggerMessage(7110, LogLevel.Warning, "{Log}: {Problem}")]
    public static partial void LogFileProblem(ILogger logger, string log, string problem);

    [LoggerMessage(7111, LogLevel.Information, "Reopening the rotated log file(s) ({Files})")]
    public static partial void LogFilesReopened(ILogger logger, string files);

    // `ferry user ...`: one record per change to the user store, by whoever ran the command.
    [LoggerMessage(7120, LogLevel.Information, "Admin {Actor}: {Action} user {User}{Detail}")]
    public static partial void AdminAction(ILogger logger, string actor, string action, ClientText user, string detail);

    // What `ferry serve` says about itself ("Ferry ready: ...") as a record, for JSON logs.
    [LoggerMessage(7130, LogLevel.Information, "{Status}")]
    public static partial void Status(ILogger logger, string status);
    // Metrics, health and OpenTelemetry export (issue 14): 7000-7049.
    [LoggerMessage(7000, LogLevel.Information, "Operations listener on {Url}: {Paths}")]
    public static partial void OperationsListening(ILogger logger, string url, string paths);

    [LoggerMessage(7001, LogLevel.Warning, "The operations listener on {Url} is reachable from other hosts (Operations:AllowRemote) and has no authentication: keep it behind a firewall or a reverse proxy")]
    public static partial void OperationsListenerRemote(ILogger logger, string url);

    [LoggerMessage(7002, LogLevel.Information, "Exporting {Signals} over OTLP ({Protocol}) to {Endpoint}")]
    public static partial void OtlpExporting(ILogger logger, string signals, string protocol, string endpoint);

    [LoggerMessage(7003, LogLevel.Information, "Operations listener stopped")]
    public static partial void OperationsStopped(ILogger logger);

    // The host's systemd notification and reload fixes (issue 14): 7250-7269.
    [LoggerMessage(7250, LogLevel.Warning, "systemd notification to {NotifySocket} failed ({Error}); the server runs on, but systemd may take it for not started (Type=notify) or hung (WatchdogSec). Logged once until a notification goes through again")]
    public static partial void SystemdNotifyFailed(ILogger logger, string notifySocket, string error);

    [LoggerMessage(7251, LogLevel.Warning, "Reload: the certificate {CertificateFile} cannot be read by this account ({Error}); the one loaded at start stays in force. A renewed certificate there needs a restart, or files RunAsUser may read")]
    public static partial void CertificateKeptUnreadable(ILogger logger, string certificateFile, string error);

    [LoggerMessage(7252, LogLevel.Information, "SIGHUP during the stop: no reload, the stop goes on")]
    public static partial void ReloadIgnoredWhileStopping(ILogger logger);

    // Event hooks (issue 15): 7400-7449. {Hook} is the hook's Name (or "Hooks:List:N"), from the configuration.
    [LoggerMessage(7400, LogLevel.Information, "Hook {Hook}: on {Events}, {Actions}")]
    public static partial void HookConfigured(ILogger logger, string hook, string events, string actions);

    [LoggerMessage(7401, LogLevel.Warning, "Hook {Hook}: its queue is full ({Capacity} events waiting, the receiver is slow or down); {Dropped} event(s) dropped since the last warning (metric ferry.hooks.dropped)")]
    public static partial void HookQueueFull(ILogger logger, string hook, int capacity, long dropped);

    [LoggerMessage(7402, LogLevel.Warning, "Hook {Hook}: {Event} event {EventId} not delivered by its {Action} after {Attempts} attempt(s): {Error}")]
    public static partial void HookDeliveryFailed(ILogger logger, string hook, string @event, string eventId, string action, int attempts, ClientText error);

    [LoggerMessage(7403, LogLevel.Debug, "Hook {Hook}: {Event} event {EventId} delivered by its {Action} (attempt {Attempt})")]
    public static partial void HookDelivered(ILogger logger, string hook, string @event, string eventId, string action, int attempt);

    [LoggerMessage(7404, LogLevel.Information, "Hook {Hook}: {Event} event {EventId}: {Action} attempt {Attempt} failed ({Error}); retrying in {Delay:0.###} s")]
    public static partial void HookRetrying(ILogger logger, string hook, string @event, string eventId, string action, int attempt, ClientText error, double delay);

    [LoggerMessage(7405, LogLevel.Debug, "Hook {Hook}: command exited with {ExitCode} after {Milliseconds:0} ms; output: {Output}")]
    public static partial void HookCommandOutput(ILogger logger, string hook, int exitCode, double milliseconds, ClientText output);

    [LoggerMessage(7406, LogLevel.Warning, "Hook {Hook}: upload check unavailable ({Error}); the upload is {Decision}")]
    public static partial void HookCheckUnavailable(ILogger logger, string hook, ClientText error, string decision);

    [LoggerMessage(7407, LogLevel.Information, "Hook {Hook}: refused the upload of {Path} by {User}: {Reason}")]
    public static partial void HookRefusedUpload(ILogger logger, string hook, ClientText path, ClientText user, ClientText reason);

    [LoggerMessage(7408, LogLevel.Warning, "Hooks: stopped with {Pending} event(s) not delivered")]
    public static partial void HooksStoppedWithPending(ILogger logger, int pending);
    // The admin API (issue 15): 7300-7349. Its audit: every sign-in, failure and change, naming who.
    [LoggerMessage(7300, LogLevel.Information, "Admin API and page on {Where}")]
    public static partial void AdminApiListening(ILogger logger, string where);

    [LoggerMessage(7301, LogLevel.Information, "Admin {Admin} signed in from {RemoteAddress}")]
    public static partial void AdminSignedIn(ILogger logger, ClientText admin, string remoteAddress);

    [LoggerMessage(7302, LogLevel.Warning, "Failed admin sign-in for {Admin} from {RemoteAddress}")]
    public static partial void AdminSignInFailed(ILogger logger, ClientText admin, string remoteAddress);

    [LoggerMessage(7303, LogLevel.Information, "Admin API audit: {Caller} {Action} {Target} {Detail} from {RemoteAddress}")]
    public static partial void AdminApiAction(ILogger logger, ClientText caller, string action, ClientText target, ClientText detail, string remoteAddress);

    [LoggerMessage(7304, LogLevel.Debug, "Refused an admin API request from banned {RemoteAddress}")]
    public static partial void AdminApiBannedRefused(ILogger logger, IPAddress remoteAddress);

    [LoggerMessage(7305, LogLevel.Information, "Admin {Admin} signed out")]
    public static partial void AdminSignedOut(ILogger logger, ClientText admin);

    [LoggerMessage(7307, LogLevel.Error, "Admin API: {Method} {Path} failed")]
    public static partial void AdminApiFailed(ILogger logger, ClientText method, ClientText path, Exception exception);

    [LoggerMessage(7306, LogLevel.Warning, "The admin socket {Path} is not served ({Error}); `ferry who/kick/ban/status` need it or Operations:Listen")]
    public static partial void AdminSocketFailed(ILogger logger, string path, string error);

    // The host's per-user storage choice (issue 16): 7500-7519.
    [LoggerMessage(7500, LogLevel.Warning, "User {User}: storage {Storage} is not {Allowed}; login refused (set it with `ferry user set NAME --storage ...`)")]
    public static partial void UnknownUserStorage(ILogger logger, ClientText user, ClientText storage, string allowed);

    [LoggerMessage(7501, LogLevel.Information, "Storage: S3 profile {Profile}, bucket {Bucket} at {Endpoint}, user roots {Prefix}")]
    public static partial void S3ProfileConfigured(ILogger logger, string profile, string bucket, string endpoint, string prefix);
}
