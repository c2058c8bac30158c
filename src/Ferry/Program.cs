using System.CommandLine;
using Ferry.Commands;

// `ferry serve` runs the server; `ferry reload` makes it read its configuration again; `ferry user ...` manages the embedded user store;
// `ferry admin ...` the accounts of the admin API and page;
// `ferry who`, `kick`, `ban` and `status` talk to the running server's admin API (AdminClient);
// `ferry privileged-helper` (hidden) is the root half `ferry serve` starts when run as root.
var root = new RootCommand("Ferry: an FTP server.")
{
    ServeCommand.Create(),
    ReloadCommand.Create(),
    UserCommands.Create(),
    AdminCommands.Create(),
    WhoCommand.Create(),
    KickCommand.Create(),
    BanCommands.Create(),
    StatusCommand.Create(),
    PrivilegedHelperCommand.Create(),
};
root.Options.Add(CommonOptions.Config);
root.Options.Add(CommonOptions.DataDir);
var parsed = root.Parse(args);
if (ParseErrorReport.Describe(parsed) is { } mistake)
{
    // One line, not System.CommandLine's every error plus the whole help (see ParseErrorReport).
    await Console.Error.WriteLineAsync("ferry: " + mistake);
    return 2;
}

// No termination timeout: System.CommandLine would end the process 2 s after SIGTERM, cutting
// `ferry serve`'s graceful stop (running transfers get Server:ShutdownDrainTimeout); the host
// handles SIGTERM and SIGINT itself, and the other commands end with the process as usual.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
