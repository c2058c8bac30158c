using System.CommandLine;
using Ferry.Server.Quotas;
using Ferry.Server.Storage;
using Ferry.Server.Storage.Local;

namespace Ferry.Commands;

/// <summary>
/// `ferry user quota NAME [--scan]`: a user's limits and usage. A running server keeps each
/// user's usage in memory (counted at the user's first login, then kept by every change it
/// makes); this command cannot see that. `--scan` counts the home now and stores the result in
/// the user store, where `ferry user list` shows it and a running server takes it at the user's
/// next login (for files changed behind its back: a shell, a restore).
/// </summary>
internal static class UserQuotaCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The user name." };
        var scan = new Option<bool>("--scan") { Description = "Count the user's files and bytes now (walks the home) and store the result." };
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
                (long Bytes, long Files) counted;
                try
                {
                    using var home = new LocalFileSystem(user.HomeDirectory);
                    counted = await UsageScanner.ScanAsync(home, cancellationToken);
                }
                catch (StorageException e)
                {
                    await Console.Error.WriteLineAsync($"ferry: cannot read the home {user.HomeDirectory} of '{userName}' ({e.Kind}).");
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
}
