using System.Globalization;
using System.Net;
using Ferry.Server.Security;

namespace Ferry.Privileges;

/// <summary>
/// What the privileged helper will do, fixed by the root process before it drops its rights and
/// passed on the helper's command line: nothing the unprivileged server asks later can widen it.
/// </summary>
/// <param name="Listeners">The control (and implicit FTPS) endpoints, each bound at most once.</param>
/// <param name="Port20">Active-mode sources on port 20 (ActiveModeSourcePort20), on a specific local address.</param>
/// <param name="SystemAccounts">PAM logins, with the helper's own uid floor and deny file.</param>
internal sealed record HelperPolicy(IReadOnlyList<IPEndPoint> Listeners, bool Port20, SystemAccountOptions SystemAccounts)
{
    public IEnumerable<string> ToArguments()
    {
        foreach (var listener in Listeners)
        {
            yield return "--listen";
            yield return listener.ToString();
        }

        if (Port20)
        {
            yield return "--port20";
        }

        if (SystemAccounts.Enabled)
        {
            yield return "--pam-service";
            yield return SystemAccounts.PamService;
            yield return "--min-uid";
            yield return SystemAccounts.MinUid.ToString(CultureInfo.InvariantCulture);
            yield return "--deny-file";
            yield return SystemAccounts.DenyFile;
        }
    }
}
