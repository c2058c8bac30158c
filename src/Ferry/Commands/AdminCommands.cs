using System.CommandLine;
using Ferry.Administration;
using Ferry.Logging;
using Ferry.Server.Security;

namespace Ferry.Commands;

/// <summary>
/// `ferry admin add|list|passwd|delete`: the accounts of the admin API and web page (table admins
/// of users.db), separate from FTP users. Works whether or not the server runs: the server reads
/// the table at every request, so a deleted or re-passworded admin's pages are signed out at once.
/// </summary>
internal static class AdminCommands
{
    public static Command Create()
    {
        var admin = new Command("admin", "Manage the accounts of the admin API and web page (not FTP users).");
        admin.Subcommands.Add(Add());
        admin.Subcommands.Add(List());
        admin.Subcommands.Add(Passwd());
        admin.Subcommands.Add(Delete());
        return admin;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The admin's name." };

    private static Option<bool> PasswordStdinOption() =>
        new("--password-stdin") { Description = "Read the password from the first line of standard input (default: generate one and print it)." };

    private static Command Add()
    {
        var name = NameArgument();
        var role = new Option<string>("--role") { Description = "admin (everything) or readonly (may only read).", DefaultValueFactory = _ => AdminRoles.Admin };
        var passwordStdin = PasswordStdinOption();
        var command = new Command("add", "Add an admin; prints a generated password unless --password-stdin.") { name, role, passwordStdin };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var adminName = result.GetValue(name)!;
            if (!UserCommands.IsValidName(adminName))
            {
                await Console.Error.WriteLineAsync("ferry: admin names are 1-64 characters without spaces, '/' or control characters.");
                return 2;
            }

            if (AdminRoles.Parse(result.GetValue(role)) is not { } parsedRole)
            {
                await Console.Error.WriteLineAsync($"ferry: --role '{result.GetValue(role)}' is not a role ({AdminRoles.Valid}).");
                return 2;
            }

            var settings = CommonOptions.Load(result);
            var (password, generated) = await PasswordAsync(result.GetValue(passwordStdin), settings.Server.MinPasswordLength);
            if (password is null)
            {
                return 2;
            }

            using var store = Open(settings);
            if (!await store.AddAdminAsync(new AdminAccount(adminName, PasswordHasher.Hash(password), parsedRole, Disabled: false), cancellationToken))
            {
                await Console.Error.WriteLineAsync($"ferry: admin '{adminName}' already exists.");
                return 1;
            }

            Console.WriteLine(generated ? $"Admin '{adminName}' added (role {parsedRole}) with password '{password}'." : $"Admin '{adminName}' added (role {parsedRole}).");
            await AdminAudit.RecordAsync(settings, "added admin", adminName, $" (role {parsedRole})");
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List admins.");
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var settings = CommonOptions.Load(result);
            using var store = Open(settings);
            foreach (var admin in await store.ListAdminsAsync(cancellationToken))
            {
                Console.WriteLine($"{admin.Name}\t{admin.Role}\t{(admin.Disabled ? "disabled" : "enabled")}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Passwd()
    {
        var name = NameArgument();
        var passwordStdin = PasswordStdinOption();
        var command = new Command("passwd", "Set an admin's password (its signed-in pages are signed out); prints a generated one unless --password-stdin.") { name, passwordStdin };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var settings = CommonOptions.Load(result);
            using var store = Open(settings);
            var adminName = result.GetValue(name)!;
            if (await store.FindAdminAsync(adminName, cancellationToken) is not { } admin)
            {
                await Console.Error.WriteLineAsync($"ferry: no admin '{adminName}'.");
                return 1;
            }

            var (password, generated) = await PasswordAsync(result.GetValue(passwordStdin), settings.Server.MinPasswordLength);
            if (password is null)
            {
                return 2;
            }

            await store.UpdateAdminAsync(admin with { PasswordHash = PasswordHasher.Hash(password) }, cancellationToken);
            Console.WriteLine(generated ? $"Password of admin '{adminName}' changed to '{password}'." : $"Password of admin '{adminName}' changed.");
            await AdminAudit.RecordAsync(settings, "changed the password of admin", adminName);
            return 0;
        }));
        return command;
    }

    private static Command Delete()
    {
        var name = NameArgument();
        var command = new Command("delete", "Delete an admin (its signed-in pages are signed out).") { name };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(async () =>
        {
            var settings = CommonOptions.Load(result);
            using var store = Open(settings);
            var adminName = result.GetValue(name)!;
            if (!await store.DeleteAdminAsync(adminName, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"ferry: no admin '{adminName}'.");
                return 1;
            }

            Console.WriteLine($"Admin '{adminName}' deleted.");
            await AdminAudit.RecordAsync(settings, "deleted admin", adminName);
            return 0;
        }));
        return command;
    }

    /// <summary>The data folder prepared as for `ferry user` (modes checked), then the admin tables.</summary>
    private static AdminStore Open(Configuration.FerrySettings settings)
    {
        CommonOptions.OpenUsers(settings).Dispose();
        return new AdminStore(AdminStore.PathIn(settings.DataDir));
    }

    /// <summary>The password from stdin (checked against Server:MinPasswordLength), or a generated one; null after printing why not.</summary>
    private static async Task<(string? Password, bool Generated)> PasswordAsync(bool fromStdin, int minimumLength)
    {
        if (!fromStdin)
        {
            return (AdminServices.GeneratePassword(minimumLength), true);
        }

        var password = await Console.In.ReadLineAsync();
        if (string.IsNullOrEmpty(password))
        {
            await Console.Error.WriteLineAsync("ferry: an empty password is not allowed.");
            return (null, false);
        }

        var length = password.EnumerateRunes().Count();
        if (length < minimumLength)
        {
            await Console.Error.WriteLineAsync($"ferry: the password has {length} characters; Server:MinPasswordLength asks for at least {minimumLength}.");
            return (null, false);
        }

        return (password, false);
    }
}
