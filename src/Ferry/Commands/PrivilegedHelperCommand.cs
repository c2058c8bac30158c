using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Ferry.Privileges;
using Ferry.Server.PrivilegeSeparation;
using Ferry.Server.Security;

namespace Ferry.Commands;

/// <summary>
/// `ferry privileged-helper`: hidden; `ferry serve` started as root runs it as its privileged
/// half (see <see cref="PrivilegedHelper"/>). Not for people to run.
/// </summary>
internal static class PrivilegedHelperCommand
{
    public static Command Create()
    {
        var fd = new Option<int>("--fd") { Required = true, Description = "The inherited socket-pair end." };
        var listen = new Option<string[]>("--listen") { Description = "An endpoint it may bind once.", AllowMultipleArgumentsPerToken = false };
        var port20 = new Option<bool>("--port20") { Description = "Bind port 20 as active-mode source." };
        var pamService = new Option<string?>("--pam-service") { Description = "PAM service; enables system accounts." };
        var minUid = new Option<int>("--min-uid") { DefaultValueFactory = _ => 1000 };
        var denyFile = new Option<string>("--deny-file") { DefaultValueFactory = _ => "/etc/ftpusers" };
        var command = new Command("privileged-helper", "Internal: the privileged half of a privilege-separated server.")
        {
            fd, listen, port20, pamService, minUid, denyFile,
        };
        command.Hidden = true;
        command.SetAction(result =>
        {
            // Ctrl-C reaches the whole process group: the helper leaves when the server does, not before.
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true);
            if (!ProcessIdentity.IsRoot)
            {
                Console.Error.WriteLine("ferry privileged-helper: needs root, and is started by `ferry serve` only.");
                return 2;
            }

            var service = result.GetValue(pamService);
            var policy = new HelperPolicy(
                [.. (result.GetValue(listen) ?? []).Select(IPEndPoint.Parse)],
                result.GetValue(port20),
                new SystemAccountOptions
                {
                    Enabled = service is not null,
                    PamService = service ?? "ferry",
                    MinUid = result.GetValue(minUid),
                    DenyFile = result.GetValue(denyFile)!,
                });
            using var channel = new UnixSeqPacket(result.GetValue(fd));
            return new PrivilegedHelper(channel, policy).Run();
        });
        return command;
    }
}
