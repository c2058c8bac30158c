using System.CommandLine;
using Ferry.Configuration;
using Ferry.Server.Quotas;
using Ferry.Server.Security;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;
using Ferry.Storage;
using Ferry.Storage.S3;

namespace Ferry.Commands;

/// <summary>
/// `ferry user quota NAME [--scan]`: a user's limits and usage. A running server keeps each
/// user's usage in memory (counted at the user's first login, then kept by every change it
/// makes); this command cannot see that. `--scan` counts the home (or, for an S3 user, the profile's objects under the user's root) now and stores the result in
/// the user store, where `ferry user list` shows it and a running server takes it at the user's
/// next login (for files changed behind its back: a shell, a restore).
/// </summary>
internal static class UserQuotaCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The user name." };
        var scan = new Option<bool>("--scan") { Description = "Count the user's files and bytes now (walks the home, or lists an S3 user's objects) and store the result." };
        var command = new Command("quota", "Show a user's quota and usage; --scan counts the home again.") { name, scan };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var settings = CommonOptions.Load(result);
            var store = CommonOptions.OpenUsers(settings);
            var userName = result.GetValue(name)!;
            var user = await store.FindAsync(userName, cancellationToken);
            if (user is null)
            {
                await Console.Error.WriteLineAsync($"ferry: no user '{userName}'.");
                return 1;
            }

            if (result.GetValue(scan))
            {
                if (await CountAsync(user, settings, cancellationToken) is not { } counted)
                {
                    return 1;
                }

                var usage = new StoredUsage(counted.Bytes, counted.Files, DateTimeOffset.UtcNow);
                await store.SetScannedUsageAsync(user.Name, usage, cancellationToken);
                user = user with { ScannedUsage = usage };
            }

            Console.WriteLine($"{user.Name}\t{UserLimitOptions.Describe(user, settings.Server)}");
            if (user.ScannedUsage is null)
            {
                Console.WriteLine("Usage not counted yet: run `ferry user quota --scan " + user.Name + "`. A running server counts it itself at the user's first login.");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The user's files and bytes: the home folder walked on the local disk, or, for an S3 user,
    /// the profile's objects under the user's root listed the way the server lists them. Null after
    /// printing why not.
    /// </summary>
    private static async Task<(long Bytes, long Files)?> CountAsync(FtpUser user, FerrySettings settings, CancellationToken cancellationToken)
    {
        if (UserStorage.IsLocal(user))
        {
            try
            {
                using var home = new LocalFileSystem(user.HomeDirectory);
                return await UsageScanner.ScanAsync(home, cancellationToken);
            }
            catch (StorageException e)
            {
                await Console.Error.WriteLineAsync($"ferry: cannot read the home {user.HomeDirectory} of '{user.Name}' ({e.Kind}).");
                return null;
            }
        }

        if (UserStorage.S3ProfileName(user.Storage) is not { } name || !settings.Storage.S3.TryGetValue(name, out var profile))
        {
            await Console.Error.WriteLineAsync($"ferry: user '{user.Name}' has storage '{user.Storage}', which is not {UserStorage.Allowed(settings.Storage)}.");
            return null;
        }

        try
        {
            using var factory = new S3FileSystemFactory(profile);
            using var files = await factory.CreateAsync(user, cancellationToken);
            return await UsageScanner.ScanAsync(files, cancellationToken);
        }
        catch (StorageException e)
        {
            await Console.Error.WriteLineAsync($"ferry: cannot list the storage {user.Storage} of '{user.Name}' ({e.Kind}).");
            return null;
        }
    }
}
