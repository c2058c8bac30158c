using System.CommandLine;
using Ferry.Commands;

// `ferry serve` runs the server; `ferry user ...` manages the embedded user store;
// `ferry privileged-helper` (hidden) is the root half `ferry serve` starts when run as root.
var root = new RootCommand("Ferry: an FTP server.")
{
    ServeCommand.Create(),
    UserCommands.Create(),
    PrivilegedHelperCommand.Create(),
};
root.Options.Add(CommonOptions.Config);
root.Options.Add(CommonOptions.DataDir);
return await root.Parse(args).InvokeAsync();
