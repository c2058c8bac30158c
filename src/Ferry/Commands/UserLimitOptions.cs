using System.CommandLine;
using System.Globalization;
using Ferry.Server;
using Ferry.Server.Security;
using Ferry.Server.Storage;
using Ferry.Users;

namespace Ferry.Commands;

/// <summary>
/// `--quota-bytes`, `--quota-files` and `--umask` of `ferry user add|set`: each a value, or
/// "default" for the server's setting (DefaultQuotaBytes, DefaultQuotaFiles, UploadUmask); 0 is
/// no quota.
/// </summary>
internal sealed class UserLimitOptions
{
    private const string Default = "default";

    public Option<string?> QuotaBytes { get; } = new("--quota-bytes")
    {
        Description = "Byte quota: 10G, 500M, 64K or bytes; 0: none; default: Server:DefaultQuotaBytes.",
    };

    public Option<string?> QuotaFiles { get; } = new("--quota-files")
    {
        Description = "Most files the user may have (folders do not count); 0: none; default: Server:DefaultQuotaFiles.",
    };

    public Option<string?> Umask { get; } = new("--umask")
    {
        Description = "Octal umask of the user's uploads and new folders (077: only the server's user may read them); default: Server:UploadUmask.",
    };

    public IEnumerable<Option> All => [QuotaBytes, QuotaFiles, Umask];

    public bool AnyGiven(ParseResult result) => All.Any(option => result.GetResult(option) is not null);

    /// <summary>The user with the options given applied; null after printing what is wrong.</summary>
    public async Task<FtpUser?> ApplyAsync(ParseResult result, FtpUser user)
    {
        if (result.GetValue(QuotaBytes) is { } bytesText)
        {
            if (bytesText.Equals(Default, StringComparison.OrdinalIgnoreCase))
            {
                user = user with { QuotaBytes = null };
            }
            else if (SizeText.TryParse(bytesText, out var bytes))
            {
                user = user with { QuotaBytes = bytes };
            }
            else
            {
                await Console.Error.WriteLineAsync($"ferry: --quota-bytes '{bytesText}' is not a size (10G, 500M, 64K, bytes, 0 or default).");
                return null;
            }
        }

        if (result.GetValue(QuotaFiles) is { } filesText)
        {
            if (filesText.Equals(Default, StringComparison.OrdinalIgnoreCase))
            {
                user = user with { QuotaFiles = null };
            }
            else if (long.TryParse(filesText, NumberStyles.None, CultureInfo.InvariantCulture, out var files))
            {
                user = user with { QuotaFiles = files };
            }
            else
            {
                await Console.Error.WriteLineAsync($"ferry: --quota-files '{filesText}' is not a number of files (0 or default allowed).");
                return null;
            }
        }

        if (result.GetValue(Umask) is { } umaskText)
        {
            if (umaskText.Equals(Default, StringComparison.OrdinalIgnoreCase))
            {
                user = user with { Umask = null };
            }
            else if (UploadModes.ParseUmask(umaskText) is { } umask)
            {
                user = user with { Umask = umask };
            }
            else
            {
                await Console.Error.WriteLineAsync($"ferry: --umask '{umaskText}' is not an octal umask (022, 027, 077 or default).");
                return null;
            }
        }

        return user;
    }

    /// <summary>"quota 1.2 GiB/10 GiB, 3/1000 files" (the usage as last counted by `ferry user quota --scan`), for `ferry user list`.</summary>
    public static string Describe(FtpUser user, FtpServerOptions server)
    {
        var maxBytes = user.QuotaBytes ?? server.DefaultQuotaBytes;
        var maxFiles = user.QuotaFiles ?? server.DefaultQuotaFiles;
        var used = user.ScannedUsage;
        var bytes = (used is null ? "?" : SizeText.Format(used.Bytes)) + "/" + (maxBytes == 0 ? "unlimited" : SizeText.Format(maxBytes));
        var files = (used is null ? "?" : used.Files.ToString(CultureInfo.InvariantCulture)) + "/" + (maxFiles == 0 ? "unlimited" : maxFiles.ToString(CultureInfo.InvariantCulture));
        var umask = "umask " + Convert.ToString(user.Umask ?? (int)server.ParsedUploadUmask, 8).PadLeft(3, '0');
        // The account's own rate limits (set through the admin API) only when it has them.
        var rates = (user.DownloadRateLimit is { } down ? $", download limit {(down == 0 ? "none" : SizeText.Format(down) + "/s")}" : string.Empty)
            + (user.UploadRateLimit is { } up ? $", upload limit {(up == 0 ? "none" : SizeText.Format(up) + "/s")}" : string.Empty);
        return $"quota {bytes}, {files} files{(used is null ? string.Empty : " (counted " + used.At.ToString("u", CultureInfo.InvariantCulture) + ")")}, {umask}{rates}";
    }
}
