namespace Ferry.Configuration;

/// <summary>
/// The "Logging" section: how records are written and which files get them. The level stays the
/// top-level LogLevel setting (and --log-level).
/// </summary>
internal sealed class LoggingSettings
{
    /// <summary>Text (the readable single lines, the default) or Json (one object per line).</summary>
    public LogFormat Format { get; set; } = LogFormat.Text;

    /// <summary>
    /// A file that gets every record too, in the same format, appended. Empty: none (the records
    /// go to stdout only, which systemd's journal keeps).
    /// </summary>
    public string? File { get; set; }

    /// <summary>
    /// The classic transfer log, xferlog(5): one line per completed or aborted file transfer.
    /// Empty: none, as vsftpd's xferlog_enable=NO.
    /// </summary>
    public string? XferLog { get; set; }

    public IEnumerable<string> Validate()
    {
        foreach (var (key, path) in new[] { ("File", File), ("XferLog", XferLog) })
        {
            if (CheckPath(path) is { } problem)
            {
                yield return $"Logging:{key}: '{path}' {problem}";
            }
        }

        if (!string.IsNullOrEmpty(File) && !string.IsNullOrEmpty(XferLog)
            && string.Equals(Path.GetFullPath(File), Path.GetFullPath(XferLog), StringComparison.Ordinal))
        {
            yield return $"Logging:XferLog: '{XferLog}' is the file Logging:File names; give the transfer log a file of its own (e.g. /var/log/ferry/xferlog).";
        }
    }

    /// <summary>Null when <paramref name="path"/> can name a log file (or is empty: off).</summary>
    private static string? CheckPath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        if (path.EndsWith('/') || Directory.Exists(path))
        {
            return "is a folder; give the path of a file in it (e.g. /var/log/ferry/ferry.log), or leave it empty for none.";
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is not null && !Directory.Exists(folder)
            ? $"is in a folder that does not exist ({folder}); create it, writable by the account Ferry runs as, or leave the setting empty for none."
            : null;
    }
}
