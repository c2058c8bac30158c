using System.CommandLine;
using Ferry.Configuration;
using Ferry.Logging;
using Ferry.Server.Security;
using Ferry.Storage;
using Ferry.Users;

namespace Ferry.Commands;

/// <summary>`ferry user add|passwd|set|del|list|disable|enable|quota`: the embedded user store.</summary>
internal static class UserCommands
{
    public static Command Create()
    {
        var user = new Command("user", "Manage users of the embedded user store.");
        user.Subcommands.Add(Add());
        user.Subcommands.Add(Passwd());
        user.Subcommands.Add(Set());
        user.Subcommands.Add(Delete());
        user.Subcommands.Add(List());
        user.Subcommands.Add(SetDisabled("disable", disabled: true));
        user.Subcommands.Add(SetDisabled("enable", disabled: false));
        user.Subcommands.Add(UserImportCommand.Create());
        user.Subcommands.Add(UserQuotaCommand.Create());
        return user;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The user name." };

    private static Option<bool> PasswordStdinOption() => new("--password-stdin") { Description = "Read the password from the first line of standard input." };

    private static Option<string?> StorageOption() => new("--storage")
    {
        Description = "Where the user's files live: local (the home folder, the default) or s3:NAME, the S3 profile Storage:S3:NAME of the configuration (no home folder then).",
    };

    /// <summary>The storage --storage names, checked against the configured profiles (null: local); false after printing why not.</summary>
    private static async Task<(bool Ok, string? Storage)> ReadStorageAsync(string? text, FerrySettings settings)
    {
        if (UserStorage.TryParse(text, settings.Storage, out var storage, out var error))
        {
            return (true, storage);
        }

        await Console.Error.WriteLineAsync($"ferry: --storage {error}");
        return (false, null);
    }

    /// <summary>Where a user's files are, as `ferry user list` and the command's own lines say: the home folder, or "s3:NAME".</summary>
    internal static string Where(FtpUser user) => UserStorage.IsLocal(user) ? user.HomeDirectory : user.Storage!;

    private static Command Add()
    {
        var name = NameArgument();
        var home = new Option<string?>("--home") { Description = "The user's root folder (created if missing); required unless --storage names an S3 profile." };
        var storageOption = StorageOption();
        var passwordStdin = PasswordStdinOption();
        var (permissions, readOnly, uploadOnly) = PermissionOptions();
        var requireTls = new Option<bool>("--require-tls") { Description = "Must log in over TLS and protect data connections (PROT P), whatever the server settings." };
        var limits = new UserLimitOptions();
        var command = new Command("add", "Add a user (all permissions unless --permissions, --read-only or --upload-only says otherwise).")
        {
            name, home, storageOption, passwordStdin, permissions, readOnly, uploadOnly, requireTls,
        };
        foreach (var option in limits.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var userName = result.GetValue(name)!;
            if (!IsValidName(userName))
            {
                await Console.Error.WriteLineAsync("ferry: user names are 1-64 characters without spaces, '/' or control characters.");
                return 2;
            }

            if (await ReadPermissionsAsync(result, permissions, readOnly, uploadOnly, required: false) is not { } granted)
            {
                return 2;
            }

            var settings = CommonOptions.Load(result);
            var (storageOk, storage) = await ReadStorageAsync(result.GetValue(storageOption), settings);
            if (!storageOk || await HomeForStorageAsync(result.GetValue(home), storage) is not { } homeDirectory)
            {
                return 2;
            }

            var password = await ReadPasswordAsync(result.GetValue(passwordStdin), settings);
            if (password is null)
            {
                return 2;
            }

            // An S3 user has no home folder: nothing is created on this machine.
            if (storage is null && HomeFolders.For(settings).CreateMissing(homeDirectory) is { } warning)
            {
                await Console.Error.WriteLineAsync("ferry: " + warning);
            }

            var store = CommonOptions.OpenUsers(settings);
            var user = await limits.ApplyAsync(result, new FtpUser(userName, PasswordHasher.Hash(password), homeDirectory, granted, Disabled: false, RequireTls: result.GetValue(requireTls), Storage: storage));
            if (user is null)
            {
                return 2;
            }

            if (!await store.AddAsync(user, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"ferry: user '{userName}' already exists.");
                return 1;
            }

            var where = storage is null ? "home " + homeDirectory : "storage " + storage;
            Console.WriteLine($"User '{userName}' added ({where}, permissions {PermissionNames.Format(granted)}).");
            await AdminAudit.RecordAsync(settings, "added", userName, $" ({where}, permissions {PermissionNames.Format(granted)})");
            return 0;
        }));
        return command;
    }

    private static Command Passwd()
    {
        var name = NameArgument();
        var passwordStdin = PasswordStdinOption();
        var command = new Command("passwd", "Set a user's password.") { name, passwordStdin };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var settings = CommonOptions.Load(result);
            var store = CommonOptions.OpenUsers(settings);
            var user = await FindAsync(store, result.GetValue(name)!, cancellationToken);
            if (user is null)
            {
                return 1;
            }

            var password = await ReadPasswordAsync(result.GetValue(passwordStdin), settings);
            if (password is null)
            {
                return 2;
            }

            await store.UpdateAsync(user with { PasswordHash = PasswordHasher.Hash(password) }, cancellationToken);
            Console.WriteLine($"Password of '{user.Name}' changed.");
            await AdminAudit.RecordAsync(settings, "changed the password of", user.Name);
            return 0;
        }));
        return command;
    }

    private static Command Set()
    {
        var name = NameArgument();
        var (permissions, readOnly, uploadOnly) = PermissionOptions();
        var limits = new UserLimitOptions();
        var home = new Option<string?>("--home") { Description = "A new root folder (created if missing), for a user on the local disk." };
        var storageOption = StorageOption();
        var command = new Command("set", "Change a user's permissions, quotas, umask, home or storage (effective at their next login).")
        {
            name, permissions, readOnly, uploadOnly, home, storageOption,
        };
        foreach (var option in limits.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var storageText = result.GetValue(storageOption);
            var homeText = result.GetValue(home);
            var limitsGiven = limits.AnyGiven(result) || storageText is not null || homeText is not null;
            var permissionsGiven = result.GetValue(permissions) is not null || result.GetValue(readOnly) || result.GetValue(uploadOnly);
            if (await ReadPermissionsAsync(result, permissions, readOnly, uploadOnly, required: !limitsGiven) is not { } granted)
            {
                return 2;
            }

            var settings = CommonOptions.Load(result);
            var (storageOk, storage) = await ReadStorageAsync(storageText, settings);
            if (!storageOk)
            {
                return 2;
            }

            var store = CommonOptions.OpenUsers(settings);
            var user = await FindAsync(store, result.GetValue(name)!, cancellationToken);
            if (user is null)
            {
                return 1;
            }

            var changed = await limits.ApplyAsync(result, permissionsGiven ? user with { Permissions = granted } : user);
            if (changed is null)
            {
                return 2;
            }

            if (storageText is not null)
            {
                changed = changed with { Storage = storage };
            }

            // The home: a new one given, else the one it had (which a user moved back from S3 may lack).
            if (await HomeForStorageAsync(homeText ?? (UserStorage.IsLocal(changed) && changed.HomeDirectory.Length == 0 ? null : changed.HomeDirectory),
                changed.Storage, keptHome: homeText is null) is not { } homeDirectory)
            {
                return 2;
            }

            changed = changed with { HomeDirectory = homeDirectory };
            if (UserStorage.IsLocal(changed) && homeText is not null && HomeFolders.For(settings).CreateMissing(homeDirectory) is { } warning)
            {
                await Console.Error.WriteLineAsync("ferry: " + warning);
            }

            await store.UpdateAsync(changed, cancellationToken);
            var description = $"{PermissionNames.Format(changed.Permissions)}; {UserLimitOptions.Describe(changed, settings.Server)}";
            var where = storageText is null && homeText is null ? string.Empty
                : UserStorage.IsLocal(changed) ? $"; home {changed.HomeDirectory}" : $"; storage {changed.Storage}";
            Console.WriteLine($"Permissions of '{user.Name}': {description}{where}.");
            await AdminAudit.RecordAsync(settings, "changed", user.Name, $" (permissions {description}{where})");
            return 0;
        }));
        return command;
    }

    private static (Option<string?> Permissions, Option<bool> ReadOnly, Option<bool> UploadOnly) PermissionOptions() =>
    (
        new Option<string?>("--permissions")
        {
            Description = "Comma-separated: list, read (download), write (upload new files), overwrite (replace, append to, resume or "
                + "touch existing files), delete, rename, mkdir; or all, none.",
        },
        new Option<bool>("--read-only") { Description = "May list and download only (list,read)." },
        new Option<bool>("--upload-only") { Description = "A drop box: may upload new files only; no listing, download, overwrite, delete, rename or mkdir (write)." });

    /// <summary>At most one of the three (exactly one when <paramref name="required"/>); null after printing why not.</summary>
    private static async Task<UserPermissions?> ReadPermissionsAsync(
        ParseResult result, Option<string?> permissions, Option<bool> readOnly, Option<bool> uploadOnly, bool required)
    {
        var text = result.GetValue(permissions);
        var given = (text is null ? 0 : 1) + (result.GetValue(readOnly) ? 1 : 0) + (result.GetValue(uploadOnly) ? 1 : 0);
        if (given > 1 || (required && given == 0))
        {
            await Console.Error.WriteLineAsync("ferry: give " + (required ? "one" : "at most one") + " of --permissions, --read-only and --upload-only.");
            return null;
        }

        if (text is null)
        {
            return result.GetValue(readOnly) ? UserPermissions.ReadOnly : result.GetValue(uploadOnly) ? UserPermissions.UploadOnly : UserPermissions.All;
        }

        if (!PermissionNames.TryParse(text, out var parsed, out var unknown))
        {
            await Console.Error.WriteLineAsync($"ferry: '{unknown}' is not a permission ({PermissionNames.Valid}).");
            return null;
        }

        return parsed;
    }

    private static Command Delete()
    {
        var name = NameArgument();
        var command = new Command("del", "Delete a user (their files stay).") { name };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var settings = CommonOptions.Load(result);
            var store = CommonOptions.OpenUsers(settings);
            var userName = result.GetValue(name)!;
            if (!await store.DeleteAsync(userName, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"ferry: no user '{userName}'.");
                return 1;
            }

            Console.WriteLine($"User '{userName}' deleted.");
            await AdminAudit.RecordAsync(settings, "deleted", userName);
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List users.");
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var settings = CommonOptions.Load(result);
            var store = CommonOptions.OpenUsers(settings);
            foreach (var user in await store.ListAsync(cancellationToken))
            {
                Console.WriteLine($"{user.Name}\t{(user.Disabled ? "disabled" : "enabled")}\t{PermissionNames.Format(user.Permissions)}{(user.RequireTls ? ", TLS required" : string.Empty)}\t{Where(user)}\t{UserLimitOptions.Describe(user, settings.Server)}");
            }

            return 0;
        }));
        return command;
    }

    private static Command SetDisabled(string verb, bool disabled)
    {
        var name = NameArgument();
        var command = new Command(verb, disabled ? "Disable a user (logins refused)." : "Enable a disabled user.") { name };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var settings = CommonOptions.Load(result);
            var store = CommonOptions.OpenUsers(settings);
            var user = await FindAsync(store, result.GetValue(name)!, cancellationToken);
            if (user is null)
            {
                return 1;
            }

            await store.UpdateAsync(user with { Disabled = disabled }, cancellationToken);
            Console.WriteLine($"User '{user.Name}' {verb}d.");
            await AdminAudit.RecordAsync(settings, verb + "d", user.Name);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The home to store for a user of <paramref name="storage"/>: the given folder, made absolute,
    /// on the local disk (where one is required); "" for an S3 user, who has none (a given one is
    /// refused, so nobody expects files to appear there), unless <paramref name="keptHome"/>: an
    /// existing user's home stays recorded, unused, for a move back to the local disk. Null after printing why not.
    /// </summary>
    private static async Task<string?> HomeForStorageAsync(string? home, string? storage, bool keptHome = false)
    {
        if (storage is null)
        {
            if (string.IsNullOrEmpty(home))
            {
                await Console.Error.WriteLineAsync("ferry: --home is required for a user on the local disk (--storage local, the default): the user's root folder.");
                return null;
            }

            return Path.GetFullPath(home);
        }

        if (!keptHome && !string.IsNullOrEmpty(home))
        {
            await Console.Error.WriteLineAsync($"ferry: --home is not used with --storage {storage}: the user's files are in the S3 profile's bucket.");
            return null;
        }

        return home ?? string.Empty;
    }

    private static async Task<FtpUser?> FindAsync(IUserStore store, string name, CancellationToken cancellationToken)
    {
        var user = await store.FindAsync(name, cancellationToken);
        if (user is null)
        {
            await Console.Error.WriteLineAsync($"ferry: no user '{name}'.");
        }

        return user;
    }

    /// <summary>Reads a new password; null after printing why it is refused (empty, or shorter than Server:MinPasswordLength).</summary>
    private static async Task<string?> ReadPasswordAsync(bool fromStdin, FerrySettings settings)
    {
        if (!fromStdin && !Console.IsInputRedirected)
        {
            Console.Write("Password: ");
        }

        var password = await Console.In.ReadLineAsync();
        if (string.IsNullOrEmpty(password))
        {
            await Console.Error.WriteLineAsync("ferry: an empty password is not allowed.");
            return null;
        }

        // NIST SP 800-63B rev. 4 counts each Unicode code point as one character.
        var minimum = settings.Server.MinPasswordLength;
        var length = password.EnumerateRunes().Count();
        if (length < minimum)
        {
            await Console.Error.WriteLineAsync($"ferry: the password has {length} characters; Server:MinPasswordLength asks for at least {minimum}.");
            return null;
        }

        return password;
    }

    internal static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && !name.Any(c => char.IsControl(c) || c is ' ' or '/' or '\\');
}
