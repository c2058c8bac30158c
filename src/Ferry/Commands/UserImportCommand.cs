using System.CommandLine;
using Ferry.Logging;
using Ferry.Server.Security;
using Ferry.Users;

namespace Ferry.Commands;

/// <summary>
/// `ferry user import FILE`: accounts from /etc/shadow (vsftpd, ProFTPD over PAM), Pure-FTPd's
/// pureftpd.passwd or Ferry's own name:hash:home lines, with their existing password hashes
/// (docs/user-import.md). Exit code 0: every account imported; 1: some lines skipped (each
/// reported with its line number); 2: the input is unusable.
/// </summary>
internal static class UserImportCommand
{
    private const int AllImported = 0;
    private const int SomeSkipped = 1;
    private const int UnusableInput = 2;

    public static Command Create()
    {
        var file = new Argument<string>("file") { HelpName = "FILE", Description = "The user file: shadow(5), pureftpd.passwd or name:hash:home[:permissions]." };
        var format = new Option<string>("--format") { HelpName = "auto|shadow|pureftpd|ferry", Description = "auto (default: told from the first account line), shadow, pureftpd or ferry.", DefaultValueFactory = _ => "auto" };
        var homeBase = new Option<string?>("--home-base") { HelpName = "DIR", Description = "Every user's home is DIR/NAME (created if missing), whatever the file says; shadow files need it or --passwd." };
        var passwd = new Option<string?>("--passwd") { HelpName = "FILE", Description = "With a shadow file: a passwd(5) file whose 6th field is each user's home ('/./' marks the jail, as vsftpd reads it)." };
        var update = new Option<bool>("--update") { Description = "Replace the hash, home and lock state of users that already exist (default: skip them)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file and say what would happen; write nothing." };
        var command = new Command("import", "Import users with their password hashes from a shadow, pureftpd.passwd or Ferry file.")
        {
            file, format, homeBase, passwd, update, dryRun,
        };
        command.SetAction((result, cancellationToken) => CommonOptions.RunAsync(() => ImportAsync(
            result,
            new ImportRequest(result.GetValue(file)!, result.GetValue(format)!, result.GetValue(homeBase), result.GetValue(passwd), result.GetValue(update), result.GetValue(dryRun)),
            cancellationToken)));
        return command;
    }

    private static async Task<int> ImportAsync(ParseResult result, ImportRequest request, CancellationToken cancellationToken)
    {
        if (!TryParseFormat(request.Format, out var format))
        {
            return await UnusableAsync($"--format is auto, shadow, pureftpd or ferry, not '{request.Format}'.");
        }

        if (request.HomeBase is not null && request.Passwd is not null)
        {
            return await UnusableAsync("give --home-base or --passwd, not both (--home-base would decide every home).");
        }

        var lines = await ReadLinesAsync(request.File, cancellationToken);
        if (lines is null)
        {
            return UnusableInput;
        }

        var accountLines = lines.Select((text, index) => (Number: index + 1, Text: text))
            .Where(line => line.Text.Length > 0 && !line.Text.StartsWith('#')).ToList();
        if (accountLines.Count > 0 && format is null)
        {
            format = UserFileFormatDetector.Detect(accountLines[0].Text.Split(':'));
            if (format is null)
            {
                return await UnusableAsync($"cannot tell the format of {request.File} from line {accountLines[0].Number}; give --format shadow, pureftpd or ferry.");
            }
        }

        if (request.Passwd is not null && format is not (null or UserFileFormat.Shadow))
        {
            return await UnusableAsync("--passwd goes with a shadow file only.");
        }

        if (format == UserFileFormat.Shadow && request.HomeBase is null && request.Passwd is null)
        {
            return await UnusableAsync("a shadow file has no home folders: give --home-base DIR (homes DIR/NAME) or --passwd FILE.");
        }

        IReadOnlyDictionary<string, string>? passwdHomes = null;
        if (request.Passwd is not null)
        {
            var passwdLines = await ReadLinesAsync(request.Passwd, cancellationToken);
            if (passwdLines is null)
            {
                return UnusableInput;
            }

            passwdHomes = PasswdHomes.Read(passwdLines);
        }

        IUserLineParser parser = format switch
        {
            UserFileFormat.Shadow => new ShadowLineParser(passwdHomes, TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() / 86_400),
            UserFileFormat.PureFtpd => new PureFtpdLineParser(),
            _ => new FerryLineParser(),
        };

        var settings = CommonOptions.Load(result);
        var homeBase = request.HomeBase is null ? null : Path.GetFullPath(request.HomeBase);
        var databasePath = Path.Combine(settings.DataDir, "users.db");

        // A dry run writes nothing: not even the data folder or an empty store.
        using var store = request.DryRun && !File.Exists(databasePath) ? null : CommonOptions.OpenUsers(settings);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var homes = HomeFolders.For(settings);
        int imported = 0, skipped = 0;

        // One admin audit record per account added or replaced (none for a dry run).
        await using var audit = request.DryRun ? null : AdminAudit.Open(settings);
        foreach (var (number, text) in accountLines)
        {
            var problem = await ImportLineAsync(parser, number, text, homeBase, homes, request, store, seen, audit, cancellationToken);
            if (problem is null)
            {
                imported++;
            }
            else
            {
                skipped++;
                await Console.Error.WriteLineAsync($"ferry: line {number}: {problem}; skipped.");
            }
        }

        Console.WriteLine(request.DryRun
            ? $"Dry run, nothing written: would import {imported} users, skip {skipped}."
            : $"Imported {imported} users, skipped {skipped}.");
        return skipped == 0 ? AllImported : SomeSkipped;
    }

    /// <summary>One account line; null when it was imported, else why it was skipped.</summary>
    private static async Task<string?> ImportLineAsync(
        IUserLineParser parser,
        int number,
        string text,
        string? homeBase,
        HomeFolders homes,
        ImportRequest request,
        SqliteUserStore? store,
        Dictionary<string, int> seen,
        AdminAudit? audit,
        CancellationToken cancellationToken)
    {
        if (!parser.TryParse(number, text.Split(':'), out var user, out var problem))
        {
            return problem;
        }

        if (!UserCommands.IsValidName(user.Name))
        {
            return $"'{user.Name}' is not a valid user name (1-64 characters without spaces, '/' or control characters)";
        }

        if (!seen.TryAdd(user.Name, number))
        {
            return $"user '{user.Name}' is already on line {seen[user.Name]}";
        }

        // "." and ".." pass the name rule but are no folder under --home-base ("DIR/.." is its parent).
        if (homeBase is not null && user.Name is "." or "..")
        {
            return $"user '{user.Name}' cannot have a home under --home-base";
        }

        var home = homeBase is null ? user.HomeDirectory : Path.Combine(homeBase, user.Name);
        if (home is null)
        {
            return $"user '{user.Name}' has no home folder";
        }

        var existing = store is null ? null : await store.FindAsync(user.Name, cancellationToken);
        if (existing is not null && !request.Update)
        {
            return $"user '{user.Name}' already exists (--update replaces it)";
        }

        foreach (var warning in user.Warnings)
        {
            await Console.Error.WriteLineAsync($"ferry: warning: line {number}: '{user.Name}': {warning}.");
        }

        if (user.WeakHash)
        {
            await Console.Error.WriteLineAsync($"ferry: warning: line {number}: '{user.Name}' has a weak {ImportedPassword.MethodOf(user.PasswordHash)} hash (MD5-crypt or alike), quick to crack if the store leaks; imported so the password keeps working, replace it soon with `ferry user passwd {user.Name}`.");
        }

        var verb = existing is null ? "add" : "update";
        var state = user.Disabled ? ", disabled" : string.Empty;
        if (request.DryRun)
        {
            Console.WriteLine($"Would {verb} '{user.Name}' (home {home}{state}).");
            return null;
        }

        try
        {
            if (homes.CreateMissing(home) is { } homeWarning)
            {
                await Console.Error.WriteLineAsync("ferry: " + homeWarning);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot create the home {home} of '{user.Name}': {e.Message}";
        }

        var stored = existing is null
            ? await store!.AddAsync(new FtpUser(user.Name, user.PasswordHash, home, user.Permissions ?? UserPermissions.All, user.Disabled), cancellationToken)
            : await store!.UpdateAsync(existing with
            {
                PasswordHash = user.PasswordHash,
                HomeDirectory = home,
                Permissions = user.Permissions ?? existing.Permissions,
                Disabled = user.Disabled,
            }, cancellationToken);
        if (!stored)
        {
            // Another `ferry user` command added or deleted the name between the look-up and now.
            return $"user '{user.Name}' changed in the store while importing";
        }

        Console.WriteLine($"{(existing is null ? "Added" : "Updated")} '{user.Name}' (home {home}{state}).");
        audit?.Record(existing is null ? "added (import)" : "replaced (import)", user.Name, $" (home {home}{state})");
        return null;
    }

    /// <summary>A null format is "auto".</summary>
    private static bool TryParseFormat(string name, out UserFileFormat? format)
    {
        format = name switch
        {
            "shadow" => UserFileFormat.Shadow,
            "pureftpd" => UserFileFormat.PureFtpd,
            "ferry" => UserFileFormat.Ferry,
            _ => null,
        };
        return format is not null || name == "auto";
    }

    private static async Task<string[]?> ReadLinesAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllLinesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"ferry: cannot read {path}: {e.Message}");
            return null;
        }
    }

    private static async Task<int> UnusableAsync(string message)
    {
        await Console.Error.WriteLineAsync("ferry: " + message);
        return UnusableInput;
    }

    private sealed record ImportRequest(string File, string Format, string? HomeBase, string? Passwd, bool Update, bool DryRun);
}
