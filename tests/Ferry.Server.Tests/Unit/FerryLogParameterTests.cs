using System.Reflection;
using Ferry.Server.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Tests.Unit;

/// <summary>
/// Every log message parameter that is a plain string is text Ferry composes, by decision: one
/// that a client could choose must be a <see cref="ClientText"/> (issue 11, finding 3). A new
/// string parameter fails here until it is either made a ClientText or added below with the reason
/// it is not client text.
/// </summary>
public sealed class FerryLogParameterTests
{
    private static readonly HashSet<string> ServerComposed =
    [
        "AddressBanned.network",        // AddressBans.Describe: an address prefix
        "UnknownUserStorage.allowed",   // UserStorage.Allowed: the configured profile names (Storage:S3 keys, letters, digits, '-', '_')
        "S3ProfileConfigured.profile",  // a Storage:S3 key, from the configuration (checked: letters, digits, '-', '_')
        "S3ProfileConfigured.bucket",   // Storage:S3:NAME:Bucket, from the configuration
        "S3ProfileConfigured.endpoint", // Storage:S3:NAME:Endpoint (an http(s) URL, checked) or "AWS " and the Region, from the configuration
        "S3ProfileConfigured.prefix",   // Storage:S3:NAME:Prefix, from the configuration
        "AddressBannedByAdministrator.network",
        "AddressBanLifted.network",
        "Transfer.direction",           // "RETR", "STOR", ...: the verb of the table row
        "Transfer.result",              // "ok", "aborted", ...
        "SessionReuseRefused.what",     // SessionReuseGuard's wording
        "SessionReuseMissing.what",
        "SessionReuseMissing.policy",   // an enum name
        "SessionReuseSelfTestFailed.reason",
        "ReloadRefused.reason",         // a SettingsException (the admin's own file) or a certificate loader's message
        "ReloadKeptSetting.setting",    // a setting's name
        "Reloaded.fingerprint",         // a certificate hash in hex
        "SystemdNotifyFailed.notifySocket", // NOTIFY_SOCKET, set by systemd
        "SystemdNotifyFailed.error",    // the socket error's description
        "CertificateKeptUnreadable.certificateFile", // Server:CertificateFile, from the configuration
        "CertificateKeptUnreadable.error", // the runtime's access-denied message
        "TransferThrottled.direction",
        "PrivilegesDropped.user",       // RunAsUser, from the configuration
        "SharedRunAsUser.user",
        "UploadMethod.verb",
        "UploadMethod.method",
        "SpliceFallback.verb",
        "SpliceFallback.reason",        // SpliceReceiver's wording
        "ConnectionRefused.reason",     // AdmissionControl: which limit refused the connection
        "LoginFastLane.reason",         // LoginDefences: which fast lane
        "ReleaseStepFailed.step",       // FtpConnection.DisposeAsync's step names
        "ReleaseStepFailed.errorType",  // an exception's type name
        "ReleaseStepFailed.error",      // a runtime exception message (socket, TLS), not client text
        "ClientWentAway.activity",      // "transfer", "command loop", ...
        "ClientWentAway.reason",        // the socket error's description
        "NoDataConnection.direction",
        "NoDataConnection.reason",      // the DataConnectionException text and its cause (.NET/OpenSSL)
        "ChecksumKept.verb",            // the command table's verb
        "ChecksumKept.algorithm",       // a ChecksumAlgorithm's name
        "ChecksumComputed.verb",
        "ChecksumComputed.algorithm",
        "UploadChecksum.direction",
        "UploadChecksum.checksum",      // hex digits computed by the server
        "UploadChecksumOnTheWay.direction",
        "UploadChecksumOnTheWay.checksum", // hex digits computed by the backend as the bytes arrived
        "UploadChecksumSkipped.direction",
        "UploadChecksumSkipped.reason", // fixed texts in UploadChecksumKeeper
        "AbortedUploadRemoved.reason",  // fixed texts of the upload's abort path
        "UploadCleanupFailed.error",    // an errno's description
        "AcceptStarved.error",          // accept(2)'s errno description
        "OsPermissionRefused.verb",     // the command table's verb
        "OsPermissionRefused.account",  // the process's own account name
        "OsPermissionRefused.home",     // the user's home, from the user store (set by the admin)
        "OperationsListening.url",      // Operations:Listen, from the configuration
        "OperationsListening.paths",    // the listener's fixed routes
        "OperationsListenerRemote.url",
        "OtlpExporting.signals",        // "metrics" or "metrics and traces"
        "OtlpExporting.protocol",       // an enum name
        "OtlpExporting.endpoint",       // Operations:OtlpEndpoint, from the configuration
        "AdminApiListening.where",      // Operations:Listen and DATADIR/admin.sock, from the configuration
        "AdminSignedIn.remoteAddress",  // the connection's address, or "the local socket"
        "AdminSignInFailed.remoteAddress",
        "AdminApiAction.action",        // fixed words of the admin API's endpoints
        "AdminApiAction.remoteAddress",
        "AdminSocketFailed.path",       // DATADIR/admin.sock, from the configuration
        "AdminSocketFailed.error",      // the runtime's socket error message
        "CommandNeedsCapability.verb",  // the command table's verb
        "UploadChownFailed.error",      // fchown(2)'s errno description
        "HookConfigured.hook",          // Hooks:List:N:Name, from the configuration (as every .hook below)
        "HookConfigured.events",        // Hooks:List:N:Events, validated names
        "HookConfigured.actions",       // the configured Command and Url
        "HookQueueFull.hook",
        "HookDeliveryFailed.hook",
        "HookDeliveryFailed.event",     // HookEventNames: fixed words
        "HookDeliveryFailed.eventId",   // hex digits made by the server
        "HookDeliveryFailed.action",    // "command" or "webhook"
        "HookDelivered.hook",
        "HookDelivered.event",
        "HookDelivered.eventId",
        "HookDelivered.action",
        "HookRetrying.hook",
        "HookRetrying.event",
        "HookRetrying.eventId",
        "HookRetrying.action",
        "HookCommandOutput.hook",
        "HookCheckUnavailable.hook",
        "HookCheckUnavailable.decision", // "refused" / "allowed (FailOpen)"
        "HookRefusedUpload.hook",
        "AuditDone.outcome",            // "done" / "refused"
        "AuditDone.action",             // AuditActions.Name: fixed words
        "AuditDone.verb",               // the command table's verb (or "SITE CHMOD")
        "AuditDoneWithTarget.outcome",
        "AuditDoneWithTarget.action",
        "AuditDoneWithTarget.verb",
        "AuditRefused.outcome",
        "AuditRefused.action",
        "AuditRefused.verb",
        "AuditRefusedWithTarget.outcome",
        "AuditRefusedWithTarget.action",
        "AuditRefusedWithTarget.verb",
        "LogFileProblem.log",           // "xferlog", "log file"
        "LogFileProblem.problem",       // BackgroundLineWriter's wording with the configured path and an errno description
        "LogFilesReopened.files",       // the configured paths
        "AdminAction.actor",            // the operating-system account that ran `ferry user`
        "AdminAction.action",           // fixed words of UserCommands
        "AdminAction.detail",           // permissions, home and limits as UserCommands formats them
        "Status.status",                // ServeCommand's own lines ("Ferry ready: ...")
    ];

    [Fact]
    public void Every_string_parameter_of_a_log_message_is_server_composed_text()
    {
        var undecided = typeof(FerryLog).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(method => method.GetCustomAttribute<LoggerMessageAttribute>() is not null)
            .SelectMany(method => method.GetParameters()
                .Where(parameter => parameter.ParameterType == typeof(string))
                .Select(parameter => method.Name + "." + parameter.Name))
            .Where(name => !ServerComposed.Contains(name))
            .ToList();

        Assert.True(undecided.Count == 0,
            "string parameters that may carry client text; make them ClientText, or list them as server-composed: " + string.Join(", ", undecided));
    }

    [Fact]
    public void The_failed_login_record_quotes_the_user_name()
    {
        var log = new Support.RecordingLog();
        var logger = log.CreateLogger("Ferry");
        FerryLog.LoginFailed(logger, 7, "Ferry[1006] Banned 203.0.113.7 (network", System.Net.IPAddress.Loopback);
        Assert.Equal("Session 7: failed login for \"Ferry[1006] Banned 203.0.113.7 (network\" from 127.0.0.1", Assert.Single(log.Messages(1003)));
    }
}
