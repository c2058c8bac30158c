using System.Globalization;
using Ferry.IntegrationTests.Support;

namespace Ferry.IntegrationTests.Host;

/// <summary>
/// A real account on this machine, made for one test with useradd(8) under a unique name and
/// removed with userdel(8) when disposed, whatever the test's outcome.
/// </summary>
internal sealed class MachineAccount : IAsyncDisposable
{
    private MachineAccount(string name, uint uid, uint gid, string? home)
    {
        Name = name;
        Uid = uid;
        Gid = gid;
        Home = home;
    }

    public string Name { get; }

    public uint Uid { get; }

    public uint Gid { get; }

    public string? Home { get; }

    /// <summary>Unique per run and test: 8 random hex digits after the prefix (names stay within 32 characters).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A system account without a home, for RunAsUser.</summary>
    public static Task<MachineAccount> CreateSystemAsync(string prefix) =>
        CreateAsync(UniqueName(prefix), ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin"], null);

    /// <summary>A login account with a home and a password, as an admin would make it.</summary>
    public static async Task<MachineAccount> CreateLoginAsync(string prefix, uint uid, string home, string password)
    {
        var hash = (await ClientProcess.RunAsync("openssl", ["passwd", "-6", "-stdin"], stdin: password + "\n")).AssertSuccess().StdOut.Trim();
        return await CreateAsync(UniqueName(prefix),
            ["-m", "-d", home, "-u", uid.ToString(CultureInfo.InvariantCulture), "-p", hash, "--shell", "/bin/sh"], home);
    }

    /// <summary>A uid no account has, in a band only these tests use.</summary>
    public static uint FreeUid(uint from, uint to)
    {
        var taken = File.ReadLines("/etc/passwd").Select(line => line.Split(':')).Where(f => f.Length > 2)
            .Select(f => uint.TryParse(f[2], out var uid) ? uid : 0).ToHashSet();
        while (true)
        {
            var uid = (uint)Random.Shared.Next((int)from, (int)to);
            if (!taken.Contains(uid))
            {
                return uid;
            }
        }
    }

    private static async Task<MachineAccount> CreateAsync(string name, string[] options, string? home)
    {
        (await ClientProcess.RunAsync("useradd", [.. options, name])).AssertSuccess();
        var id = (await ClientProcess.RunAsync("id", ["-u", name])).AssertSuccess().StdOut.Trim();
        var gid = (await ClientProcess.RunAsync("id", ["-g", name])).AssertSuccess().StdOut.Trim();
        return new MachineAccount(name, uint.Parse(id, CultureInfo.InvariantCulture), uint.Parse(gid, CultureInfo.InvariantCulture), home);
    }

    public async ValueTask DisposeAsync()
    {
        // -r also removes the home made with -m; -f even if a (killed) server process lingers.
        await ClientProcess.RunAsync("userdel", Home is null ? ["-f", Name] : ["-f", "-r", Name]);
    }
}
