using Ferry.Configuration;
using Ferry.Server.PrivilegeSeparation;
using Ferry.Server.Security;

namespace Ferry.Users;

/// <summary>
/// Creates users' missing home folders so the server can use them. `ferry user add` and
/// `ferry user import` usually run as root, while the server, started as root, serves as
/// RunAsUser: a home made by root (0755) is then read-only to the server, and every upload and
/// MKD gets a bare 550 (issue 12). So a home this command creates is given to RunAsUser; when that
/// cannot be done (no such account), one line says so and how to fix it. Homes that exist already
/// are left as they are: they may be shared or system accounts' own.
/// </summary>
internal sealed class HomeFolders
{
    private readonly string _runAsUser;
    private readonly SystemAccount? _owner;
    private bool _warned;

    private HomeFolders(string runAsUser, SystemAccount? owner)
    {
        _runAsUser = runAsUser;
        _owner = owner;
    }

    /// <summary>Not root: homes are created by, and belong to, the account the server runs as already.</summary>
    public static HomeFolders For(FerrySettings settings) =>
        new(settings.RunAsUser, ProcessIdentity.IsRoot ? PasswdDatabase.Find(settings.RunAsUser) : null);

    /// <summary>Creates <paramref name="home"/> when missing; returns a one-line warning (once per command) when the server will not be able to write there.</summary>
    public string? CreateMissing(string home)
    {
        if (Directory.Exists(home))
        {
            return null;
        }

        Directory.CreateDirectory(home);
        if (!ProcessIdentity.IsRoot)
        {
            return null;
        }

        if (_owner is { Uid: not 0, Gid: not 0 } owner)
        {
            ProcessIdentity.ChangeOwner(home, owner.Uid, owner.Gid);
            return null;
        }

        if (_warned)
        {
            return null;
        }

        _warned = true;
        var why = _owner is null ? "does not exist" : "is privileged (uid or gid 0)";
        return $"warning: {home} is owned by root and cannot be given to RunAsUser '{_runAsUser}', which {why}; the server will refuse uploads there until you run: chown -R {_runAsUser}: {home}";
    }
}
