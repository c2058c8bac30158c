using System.Net;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Diagnostics;

/// <summary>Every log record the engine writes, with stable event ids (1xxx sessions, 2xxx commands, 3xxx transfers, 4xxx server, 54xx permissions).</summary>
internal static partial class FerryLog
{
    [LoggerMessage(1000, LogLevel.Information, "Session {SessionId} started from {RemoteEndPoint}")]
    public static partial void SessionStarted(ILogger logger, long sessionId, EndPoint? remoteEndPoint);

    [LoggerMessage(1001, LogLevel.Information, "Session {SessionId} ended (user {User}, {Duration:0.0} s)")]
    public static partial void SessionEnded(ILogger logger, long sessionId, string user, double duration);

    [LoggerMessage(1002, LogLevel.Information, "Session {SessionId}: user {User} logged in")]
    public static partial void LoggedIn(ILogger logger, long sessionId, string user);

    [LoggerMessage(1003, LogLevel.Warning, "Session {SessionId}: failed login for {User} from {RemoteAddress}")]
    public static partial void LoginFailed(ILogger logger, long sessionId, string user, IPAddress remoteAddress);

    [LoggerMessage(1004, LogLevel.Error, "Session {SessionId}: home directory of {User} is unusable")]
    public static partial void HomeUnavailable(ILogger logger, long sessionId, string user, Exception exception);

    [LoggerMessage(1005, LogLevel.Debug, "Session {SessionId} ended with an error")]
    public static partial void SessionFaulted(ILogger logger, long sessionId, Exception exception);

    // The ban records are meant for fail2ban too (one line each with the host's timestamps):
    // failregex = failed login for .* from <HOST>$ or ^.*Banned <HOST> .
    [LoggerMessage(1006, LogLevel.Warning, "Banned {RemoteAddress} (network {Network}) until {Until:u} after {Failures} failed logins within {Window}")]
    public static partial void AddressBanned(ILogger logger, IPAddress remoteAddress, string network, DateTimeOffset until, int failures, TimeSpan window);

    [LoggerMessage(1007, LogLevel.Debug, "Refused a connection from banned {RemoteAddress}")]
    public static partial void BannedConnectionRefused(ILogger logger, IPAddress remoteAddress);

    [LoggerMessage(2000, LogLevel.Debug, "Session {SessionId} <- {Command}")]
    public static partial void CommandReceived(ILogger logger, long sessionId, string command);

    [LoggerMessage(2001, LogLevel.Debug, "Session {SessionId} -> {Reply}")]
    public static partial void ReplySent(ILogger logger, long sessionId, string reply);

    [LoggerMessage(2002, LogLevel.Error, "Session {SessionId}: command {Verb} failed unexpectedly")]
    public static partial void CommandFailed(ILogger logger, long sessionId, string verb, Exception exception);

    [LoggerMessage(3000, LogLevel.Information, "Session {SessionId}: {Direction} {Path} by {User}: {Bytes} bytes in {Duration:0.000} s, {Result}")]
    public static partial void Transfer(ILogger logger, long sessionId, string direction, string path, string user, long bytes, double duration, string result);

    [LoggerMessage(3001, LogLevel.Warning, "Session {SessionId}: refused a data connection from {RemoteAddress} (the control connection is from {ExpectedAddress})")]
    public static partial void ForeignDataConnection(ILogger logger, long sessionId, IPAddress remoteAddress, IPAddress expectedAddress);

    [LoggerMessage(3002, LogLevel.Error, "Session {SessionId}: transfer failed unexpectedly")]
    public static partial void TransferFailed(ILogger logger, long sessionId, Exception exception);

    [LoggerMessage(3003, LogLevel.Warning, "Session {SessionId}: refused a TLS data connection from {RemoteAddress} (user {User}): it {What}")]
    public static partial void SessionReuseRefused(ILogger logger, long sessionId, IPAddress remoteAddress, string user, string what);

    [LoggerMessage(3004, LogLevel.Information, "Session {SessionId}: TLS data connection from {RemoteAddress} (user {User}) {What}; allowed by DataTlsSessionReuse={Policy}")]
    public static partial void SessionReuseMissing(ILogger logger, long sessionId, IPAddress remoteAddress, string user, string what, string policy);

    [LoggerMessage(4002, LogLevel.Information, "TLS session-reuse check works on this runtime (self-test passed)")]
    public static partial void SessionReuseSelfTestPassed(ILogger logger);

    [LoggerMessage(4003, LogLevel.Warning, "TLS session-reuse check unavailable ({Reason}); data connections are not checked")]
    public static partial void SessionReuseSelfTestFailed(ILogger logger, string reason);

    [LoggerMessage(4000, LogLevel.Information, "Listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(5200, LogLevel.Debug, "Session {SessionId}: {Direction} {Path} is rate-limited: session {SessionRate} B/s, user {UserRate} B/s, server {ServerRate} B/s (0: no such limit)")]
    public static partial void TransferThrottled(ILogger logger, long sessionId, string direction, string path, long sessionRate, long userRate, long serverRate);

    [LoggerMessage(5400, LogLevel.Information, "Session {SessionId}: {User} denied {Verb} {Path}: {Reason}")]
    public static partial void PermissionDenied(ILogger logger, long sessionId, string user, string verb, string path, string reason);

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
    public static partial void UploadMethod(ILogger logger, long sessionId, string verb, string path, string method);

    [LoggerMessage(6121, LogLevel.Debug, "Session {SessionId}: {Verb} {Path} goes on through the copy loop after {Bytes} bytes by splice: {Reason}")]
    public static partial void SpliceFallback(ILogger logger, long sessionId, string verb, string path, long bytes, string reason);

    // Connection and server lifecycle (issue 11 findings 1, 2, 9, 10): 1010-1019 and 4010-4029.
    [LoggerMessage(1010, LogLevel.Debug, "Session {SessionId}: releasing its {Step} failed ({ErrorType}: {Error}); the remaining steps ran")]
    public static partial void ReleaseStepFailed(ILogger logger, long sessionId, string step, string errorType, string error);

    [LoggerMessage(1011, LogLevel.Information, "Session {SessionId}: the client went away during {Activity} ({Reason})")]
    public static partial void ClientWentAway(ILogger logger, long sessionId, string activity, string reason);

    [LoggerMessage(4010, LogLevel.Warning, "Stopping: {Count} session(s) still open after {Grace}; closing their sockets")]
    public static partial void StopAbortingSessions(ILogger logger, int count, TimeSpan grace);

    [LoggerMessage(4011, LogLevel.Warning, "Accepting connections fails ({Error}): {Refused} connection(s) answered 421 and {Failed} accept(s) failed in the last {Seconds:0} s; retrying with back-off")]
    public static partial void AcceptStarved(ILogger logger, string error, long refused, long failed, double seconds);

    [LoggerMessage(4012, LogLevel.Information, "Accepting connections again after {Seconds:0.0} s of failures ({Refused} connection(s) answered 421 meanwhile)")]
    public static partial void AcceptRecovered(ILogger logger, double seconds, long refused);

    [LoggerMessage(4013, LogLevel.Information, "SIGHUP received; reload is not supported yet, ignored")]
    public static partial void SighupIgnored(ILogger logger);
}
