namespace Ferry.Hooks;

/// <summary>
/// The event names hooks subscribe to and payloads carry in "event": stable, lower case, as the
/// README lists them. "pre-upload" and "pre-commit" are the veto hooks' (asked, not told).
/// </summary>
internal static class HookEventNames
{
    public const string Upload = "upload";
    public const string UploadFailed = "upload-failed";
    public const string Download = "download";
    public const string DownloadFailed = "download-failed";
    public const string Delete = "delete";
    public const string Rename = "rename";
    public const string MakeDirectory = "mkdir";
    public const string RemoveDirectory = "rmdir";
    public const string Login = "login";
    public const string LoginFailed = "login-failed";
    public const string Ban = "ban";
    public const string SessionEnd = "session-end";
    public const string PreUpload = "pre-upload";
    public const string PreCommit = "pre-commit";

    /// <summary>Every name, notifications first, in the README's order.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Upload, UploadFailed, Download, DownloadFailed, Delete, Rename, MakeDirectory, RemoveDirectory,
        Login, LoginFailed, Ban, SessionEnd, PreUpload, PreCommit,
    ];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);

    public static bool IsVeto(string name) => name is PreUpload or PreCommit;
}
