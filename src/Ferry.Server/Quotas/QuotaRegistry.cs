using System.Collections.Concurrent;
using Ferry.Server.Diagnostics;
using Ferry.Server.Security;
using Ferry.Server.Storage;
using Microsoft.Extensions.Logging;

namespace Ferry.Server.Quotas;

/// <summary>
/// Each user's <see cref="QuotaAccount"/>, shared by all the user's sessions (as
/// RateLimitRegistry's buckets). The usage is counted once, at the user's first login after the
/// server starts (a walk of the home through the user's backend), then kept up to date by every
/// change the server makes. The server keeps it in memory only; a newer count written to the
/// user store by `ferry user quota --scan` is taken at the user's next login.
/// </summary>
internal sealed class QuotaRegistry(FtpServerOptions options, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<QuotaAccount>>> _accounts = new(StringComparer.Ordinal);
    private FtpServerOptions _options = options;

    /// <summary>A reload: new default quotas for users logging in next.</summary>
    public void Reconfigure(FtpServerOptions next) => _options = next;

    /// <summary>The user's limits: the account's own where set, else the server's defaults.</summary>
    public QuotaLimits LimitsFor(FtpUser user) =>
        new(user.QuotaBytes ?? _options.DefaultQuotaBytes, user.QuotaFiles ?? _options.DefaultQuotaFiles);

    /// <summary>The account of a user with a quota (counted now when this is the first login since start); null without a quota.</summary>
    public async ValueTask<QuotaAccount?> ForLoginAsync(FtpUser user, IFileSystem fileSystem, CancellationToken cancellationToken)
    {
        var limits = LimitsFor(user);
        if (limits.IsUnlimited)
        {
            return null;
        }

        var lazy = _accounts.GetOrAdd(user.Name, _ => new Lazy<Task<QuotaAccount>>(() => CountAsync(user.Name, limits, fileSystem, cancellationToken)));
        QuotaAccount account;
        try
        {
            account = await lazy.Value;
        }
        catch (Exception)
        {
            // A failed count is not kept: the next login counts again.
            _accounts.TryRemove(new KeyValuePair<string, Lazy<Task<QuotaAccount>>>(user.Name, lazy));
            throw;
        }

        // Limits changed with `ferry user set` apply from the next login on.
        account.Limits = limits;
        if (user.ScannedUsage is { } scanned && scanned.At > account.CountedAt)
        {
            account.Recount(scanned.Bytes, scanned.Files, scanned.At);
            FerryLog.QuotaUsageAdopted(logger, user.Name, scanned.Bytes, scanned.Files, scanned.At);
        }

        return account;
    }

    /// <summary>The account of a user who has logged in with a quota since start; null otherwise.</summary>
    public QuotaAccount? Find(string userName) =>
        _accounts.TryGetValue(userName, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully ? lazy.Value.Result : null;

    private async Task<QuotaAccount> CountAsync(string userName, QuotaLimits limits, IFileSystem fileSystem, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var countedAt = time.GetUtcNow();
        var (bytes, files) = await UsageScanner.ScanAsync(fileSystem, cancellationToken);
        FerryLog.QuotaUsageCounted(logger, userName, bytes, files, time.GetElapsedTime(started).TotalMilliseconds);
        return new QuotaAccount(limits, bytes, files, countedAt);
    }
}
