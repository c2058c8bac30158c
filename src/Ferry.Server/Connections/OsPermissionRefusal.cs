using Ferry.Server.Diagnostics;
using Ferry.Server.Storage;

namespace Ferry.Server.Connections;

/// <summary>
/// A 550 "Permission denied." whose cause is the operating system (EACCES, EPERM) rather than the
/// user's permissions usually means the server's account cannot write in the user's home: a home
/// made by root, say, while the server runs as RunAsUser (issue 12). The client only sees the bare
/// 550 (no host path or errno on the wire), so the log says why, once per session at Warning (the
/// default level shows it), with the path, the account the server runs as and the fix.
/// </summary>
internal static class OsPermissionRefusal
{
    private const int EPERM = 1;
    private const int EACCES = 13;

    /// <summary>Logs <paramref name="refusal"/> when it is the first OS permission refusal of this session.</summary>
    public static void LogOnce(FtpConnection connection, StorageException refusal, string verb, string path)
    {
        if (refusal.Kind != StorageErrorKind.PermissionDenied || !IsFromOperatingSystem(refusal)
            || connection.Session.OsPermissionRefusalLogged || connection.Session.User is not { } user)
        {
            return;
        }

        connection.Session.OsPermissionRefusalLogged = true;
        var account = Environment.UserName;
        FerryLog.OsPermissionRefused(connection.Logger, connection.Id, verb, path, user.Name, refusal.InnerException!.Message,
            account, user.HomeDirectory);
    }

    // .NET reports EACCES and EPERM as UnauthorizedAccessException; Ferry's own system calls
    // (ConfinedRoot) as an IOException carrying the errno. Ferry's own refusals (a rename across
    // devices, say) carry neither and are not the account's fault.
    private static bool IsFromOperatingSystem(StorageException refusal) =>
        refusal.InnerException is UnauthorizedAccessException or IOException { HResult: EPERM or EACCES };
}
